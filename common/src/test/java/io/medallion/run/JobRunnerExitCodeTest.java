package io.medallion.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The exit code an orchestrator sees, from the tables' outcomes; pinned because DAGs depend on it. */
class JobRunnerExitCodeTest {
    private static TableOutcome outcome(String table, TableStatus status) {
        return TableOutcome.builder(table).status(status).build();
    }

    @Test
    void theCodesAreStable() {
        assertThat(ExitCode.OK).isZero();
        assertThat(ExitCode.FAILED).isEqualTo(1);
        assertThat(ExitCode.USAGE).isEqualTo(2);
        assertThat(ExitCode.QUALITY_GATE).isEqualTo(3);
    }

    @Test
    void aFailureWinsOverAQualityGateWhichWinsOverSuccess() {
        assertThat(JobRunner.exitCode(List.of(outcome("a", TableStatus.SUCCEEDED)))).isEqualTo(ExitCode.OK);
        assertThat(JobRunner.exitCode(List.of(outcome("a", TableStatus.SUCCEEDED),
                outcome("b", TableStatus.QUALITY_FAILED)))).isEqualTo(ExitCode.QUALITY_GATE);
        assertThat(JobRunner.exitCode(List.of(outcome("a", TableStatus.QUALITY_FAILED),
                outcome("b", TableStatus.FAILED)))).isEqualTo(ExitCode.FAILED);
        assertThat(JobRunner.exitCode(List.of(outcome("a", TableStatus.RUNNING)))).isEqualTo(ExitCode.FAILED);
        assertThat(JobRunner.exitCode(List.of())).isEqualTo(ExitCode.OK);
    }

    @Test
    void theMessageIsTheExceptionsOwnOrItsRootCauses() {
        assertThat(JobRunner.rootMessage(new IllegalStateException("outer", new RuntimeException("inner"))))
                .isEqualTo("outer");
        assertThat(JobRunner.rootMessage(new RuntimeException(new java.io.IOException("disk full"))))
                .contains("disk full");
        assertThat(JobRunner.rootMessage(new NullPointerException())).isEqualTo("NullPointerException");
    }
}
