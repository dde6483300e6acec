package io.medallion.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Reading OpenLineage events in tests. */
public final class LineageEvents {
    private LineageEvents() {
    }

    /** The datasets an event lists as {@code inputs} or {@code outputs}, lake tables as {@code layer/table}. */
    public static List<String> names(JsonNode event, String side) {
        List<String> names = new ArrayList<>();
        event.path(side).forEach(d -> names.add(d.path("name").asText().replaceFirst(".*/lake/", "")));
        return names;
    }
}
