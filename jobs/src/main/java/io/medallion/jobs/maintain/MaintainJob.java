package io.medallion.jobs.maintain;

import io.medallion.config.GoldModelSpec;
import io.medallion.jobs.archive.ArchiveManifest;
import io.medallion.jobs.archive.ArchiveTable;
import io.medallion.jobs.archive.Archiver;
import io.medallion.config.MaintenanceSpec;
import io.medallion.config.PipelineSpec;
import io.medallion.config.TableSpec;
import io.medallion.lake.BronzeColumns;
import io.medallion.lake.DeltaTables;
import io.medallion.lake.LakeCatalog;
import io.medallion.lake.TableRef;
import io.medallion.lake.TableFiles;
import io.medallion.run.Job;
import io.medallion.run.JobContext;
import io.medallion.run.JobDatasets;
import io.medallion.run.PerTable;
import io.medallion.run.TableOutcome;
import io.medallion.run.TableStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code medallion maintain}: keeps each table healthy as its {@link MaintenanceSpec} says, in
 * this order: the spec's Delta properties, row retention (archive, then delete, then record in ops.archive_manifest), the liquid
 * clustering columns, compaction (Z-ordered or clustered where declared) of the partitions with
 * too many small files (or, for Z-order, with enough new files), and VACUUM. A healthy table
 * costs a read of its Delta log state and a VACUUM dry run (none while the table is younger than
 * its VACUUM retention). Every figure goes to the ledger row of the table.
 */
public final class MaintainJob implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(MaintainJob.class);
    // Table settings (target size, retention check) live in each table's own session, so two at once is safe.
    private static final int PARALLELISM = 2;

    private final List<TableRef> tables;
    private final boolean dryRun;
    private final String where;

    /**
     * @param tables the tables, in the order to report them
     * @param where a SQL condition on partition columns limiting compaction (blank for every partition)
     */
    public MaintainJob(List<TableRef> tables, boolean dryRun, String where) {
        this.tables = List.copyOf(tables);
        this.dryRun = dryRun;
        this.where = where == null ? "" : where;
    }

    /** Every bronze, silver and gold table of the spec: the tables maintain keeps. */
    public static List<TableRef> allTables(PipelineSpec spec) {
        return List.copyOf(spec.maintenance().keySet());
    }

    @Override
    public String name() {
        return "maintain";
    }

    /** The tables compacted, vacuumed and trimmed; a dry run changes nothing. */
    @Override
    public JobDatasets datasets(JobContext context) {
        return dryRun ? JobDatasets.NONE : JobDatasets.of(context.lake(), List.of(), List.of(), tables);
    }

    @Override
    public List<String> targets(JobContext context) {
        return tables.stream().map(TableRef::toString).toList();
    }

    @Override
    public List<TableOutcome> run(JobContext context) {
        LakeCatalog catalog = new LakeCatalog(context.spark(), context.lake());
        return PerTable.each(tables, TableRef::toString, PARALLELISM, table -> maintain(context, catalog, table));
    }

    private TableOutcome maintain(JobContext context, LakeCatalog catalog, TableRef name) throws Exception {
        TableOutcome.Builder outcome = TableOutcome.builder(name.toString()).metric("dry_run", dryRun);
        if (!catalog.exists(name)) {
            LOG.info("{}: does not exist yet; nothing to maintain", name);
            return outcome.message("does not exist yet").build();
        }
        long start = System.nanoTime();
        MaintenanceSpec spec = context.spec().maintenance(name);
        String path = catalog.path(name);
        SparkSession session = context.spark().newSession();
        DeltaTables.requirePartitioning(session, path, declaredPartitioning(context.spec(), name));
        List<String> columns = List.of(session.read().format("delta").load(path).columns());
        TableFiles.Summary before = Compaction.summarize(session, path, spec, "");
        Optional<String> zorderProblem = Compaction.problem(spec, before.partitionColumns(), columns);
        if (zorderProblem.isPresent()) {
            return outcome.status(TableStatus.FAILED).message(name + ": " + zorderProblem.get()).build();
        }

        Map<String, String> changed = changedProperties(TableFiles.properties(session, path), spec.tableProperties());
        if (!changed.isEmpty() && !dryRun) {
            List<String> settings = new ArrayList<>();
            changed.forEach((k, v) -> settings.add("'" + k + "' = '" + v + "'"));
            session.sql("ALTER TABLE delta.`" + path + "` SET TBLPROPERTIES (" + String.join(", ", settings) + ")");
        }
        outcome.metric("properties_set", String.join(",", changed.keySet()));

        if (spec.retain().isPresent()) {
            Archiver.Result r = Archiver.run(session, path, new ArchiveTable(session, name,
                            name.path(spec.archiveRoot())), new ArchiveManifest(session, context.lake()),
                    spec.retain().get(), context.runDate(), context.runId(), context.startedAt(), dryRun);
            LOG.info("{}: {} {} row(s) before {} to {}, {} {} row(s)", name, dryRun ? "would archive" : "archived",
                    r.archived(), r.cutoff(), r.location(), dryRun ? "would delete" : "deleted", r.deleted());
            outcome.metric("rows_archived", r.archived()).metric("rows_deleted", r.deleted())
                    .metric("archive", r.location());
        }

        boolean reclustered = false;
        if (!spec.clusterBy().isEmpty()) {
            List<String> current = TableFiles.clusteringColumns(session, path);
            reclustered = !current.equals(spec.clusterBy());
            if (reclustered && !dryRun) {
                LOG.info("{}: liquid clustering by {} (was {})", name, spec.clusterBy(),
                        current.isEmpty() ? "none" : current);
                session.sql("ALTER TABLE delta.`" + path + "` CLUSTER BY (`" + String.join("`, `", spec.clusterBy())
                        + "`)");
            }
        }

        TableFiles.Summary candidates = where.isBlank() && spec.retain().isEmpty() ? before
                : Compaction.summarize(session, path, spec, where);
        // New clustering columns: cluster the whole table now, not only once it has small files.
        List<String> due = reclustered && !candidates.partitions().isEmpty() ? List.of("true")
                : Compaction.due(candidates, spec);
        Compaction.Result compacted = dryRun ? Compaction.Result.NONE
                : Compaction.run(session, path, spec, candidates.partitionColumns(), due);
        TableFiles.Summary after = dryRun ? before : TableFiles.summarize(session, path, Compaction.smallBelow(spec));
        Vacuum.Result vacuumed = Vacuum.run(session, path, spec, dryRun);

        String how = !spec.clusterBy().isEmpty() ? "clustered by " + String.join(", ", spec.clusterBy())
                : spec.zorderBy().isEmpty() ? "compacted" : "Z-ordered by " + String.join(", ", spec.zorderBy());
        LOG.info("{}: {} partition(s) {}{}: {} file(s) {} MB before, {} file(s) {} MB after; VACUUM {} {} file(s) "
                        + "{} MB; in {} s", name, due.size(), dryRun ? "to be " : "", how, before.files(),
                mb(before.bytes()), after.files(), mb(after.bytes()), dryRun ? "would remove" : "removed",
                vacuumed.files(), mb(vacuumed.bytes()), String.format("%.1f", (System.nanoTime() - start) / 1e9));
        return outcome.filesAdded(compacted.filesAdded()).filesRemoved(compacted.filesRemoved())
                .metric("files_before", before.files()).metric("files_after", after.files())
                .metric("bytes_before", before.bytes()).metric("bytes_after", after.bytes())
                .metric("partitions_compacted", due.size()).metric("partitions", String.join(" OR ", due))
                .metric("zorder_by", String.join(",", spec.zorderBy()))
                .metric("cluster_by", String.join(",", spec.clusterBy()))
                .metric("vacuum_files_deleted", vacuumed.files()).metric("vacuum_bytes_freed", vacuumed.bytes())
                .build();
    }

    /** The partitioning the spec gives the table: bronze by batch date, silver and gold as declared. */
    static List<String> declaredPartitioning(PipelineSpec spec, TableRef table) {
        return switch (table.layer()) {
            case BRONZE -> List.of(BronzeColumns.BATCH_DATE);
            case SILVER -> {
                TableSpec t = spec.tables().get(table.name());
                yield t.cdc().isPresent() ? List.of() : t.partitionBy();
            }
            default -> {
                GoldModelSpec m = spec.gold().get(table.name());
                yield m.partitionBy();
            }
        };
    }

    private static Map<String, String> changedProperties(Map<String, String> current, Map<String, String> wanted) {
        Map<String, String> changed = new LinkedHashMap<>();
        wanted.forEach((k, v) -> {
            if (!v.equals(current.get(k))) {
                changed.put(k, v);
            }
        });
        return changed;
    }

    private static String mb(long bytes) {
        return String.format("%.1f", bytes / 1e6);
    }
}
