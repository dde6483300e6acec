package io.medallion.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Items that depend on other items by name (silver tables on the tables their reference rules
 * point to, gold models on the models they read): a cycle among them, and an order that puts each
 * after its parents. A parent outside the items, or an item naming itself, does not count.
 */
public final class Dependencies {
    private Dependencies() {
    }

    /** A path {@code a -> b -> a} back to its first item, or empty when the items have no cycle. */
    public static List<String> cycle(Map<String, ? extends Collection<String>> parents) {
        for (String start : parents.keySet()) {
            List<String> found = cycleFrom(start, parents, new ArrayList<>());
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    private static List<String> cycleFrom(String item, Map<String, ? extends Collection<String>> parents,
                                          List<String> path) {
        if (path.contains(item)) {
            return path.get(0).equals(item) ? append(path, item) : List.of();
        }
        List<String> next = append(path, item);
        Collection<String> of = parents.get(item);
        for (String parent : of == null ? List.<String>of() : of) {
            if (!parent.equals(item) && parents.containsKey(parent)) {
                List<String> found = cycleFrom(parent, parents, next);
                if (!found.isEmpty()) {
                    return found;
                }
            }
        }
        return List.of();
    }

    private static List<String> append(List<String> path, String item) {
        List<String> longer = new ArrayList<>(path);
        longer.add(item);
        return longer;
    }

    /**
     * The items, each after the items it depends on, in rounds: every item whose parents are done
     * comes next, in the given order.
     *
     * @throws IllegalArgumentException naming the cycle when there is one
     */
    public static <T> List<T> parentsFirst(List<T> items, Function<T, String> name,
                                           Function<T, ? extends Collection<String>> parents) {
        Map<String, T> remaining = new LinkedHashMap<>();
        items.forEach(i -> remaining.put(name.apply(i), i));
        List<T> ordered = new ArrayList<>();
        while (!remaining.isEmpty()) {
            List<T> ready = remaining.values().stream().filter(i -> parents.apply(i).stream()
                    .noneMatch(p -> !p.equals(name.apply(i)) && remaining.containsKey(p))).toList();
            if (ready.isEmpty()) {
                Map<String, Collection<String>> graph = new LinkedHashMap<>();
                remaining.forEach((n, i) -> graph.put(n, parents.apply(i)));
                throw new IllegalArgumentException("these depend on each other in a cycle: "
                        + String.join(" -> ", cycle(graph)));
            }
            ordered.addAll(ready);
            ready.forEach(i -> remaining.remove(name.apply(i)));
        }
        return ordered;
    }
}
