package io.medallion.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DependenciesTest {
    private static Map<String, List<String>> graph(String... edges) {
        Map<String, List<String>> parents = new LinkedHashMap<>();
        for (String edge : edges) {
            String[] parts = edge.split(":", -1);
            parents.put(parts[0], parts[1].isEmpty() ? List.of() : List.of(parts[1].split(",")));
        }
        return parents;
    }

    @Test
    void eachComesAfterItsParentsAndSelfOrOutsideParentsDoNotCount() {
        Map<String, List<String>> parents = graph("rank:month,silver", "month:day", "day:day", "other:");
        assertThat(Dependencies.parentsFirst(List.copyOf(parents.keySet()), n -> n, parents::get))
                .containsExactly("day", "other", "month", "rank");
        assertThat(Dependencies.cycle(parents)).isEmpty();
    }

    @Test
    void aCycleIsNamedFromItsFirstItem() {
        Map<String, List<String>> parents = graph("x:", "a:b", "b:c", "c:a");
        assertThat(Dependencies.cycle(parents)).containsExactly("a", "b", "c", "a");
        assertThatThrownBy(() -> Dependencies.parentsFirst(List.copyOf(parents.keySet()), n -> n, parents::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a -> b -> c -> a");
    }
}
