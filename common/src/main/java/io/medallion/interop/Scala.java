package io.medallion.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoublePredicate;
import scala.Option;
import scala.collection.JavaConverters;
import scala.collection.Seq;
import scala.runtime.AbstractFunction1;
import scala.util.matching.Regex;

/**
 * The one place that converts between Java and the Scala types of Spark's, Delta's and Deequ's
 * APIs, so that the rest of the code base stays Java: no other class imports {@code scala.}.
 */
public final class Scala {
    private Scala() {
    }

    public static <T> List<T> list(scala.collection.Seq<T> seq) {
        return JavaConverters.seqAsJavaList(seq);
    }

    public static <K, V> Map<K, V> map(scala.collection.Map<K, V> map) {
        return JavaConverters.mapAsJavaMap(map);
    }

    public static <T> Seq<T> seq(List<T> items) {
        return JavaConverters.asScalaBuffer(new ArrayList<>(items)).toSeq();
    }

    public static <T> scala.collection.immutable.List<T> immutableList(List<T> items) {
        return JavaConverters.asScalaBuffer(new ArrayList<>(items)).toList();
    }

    public static <T> Option<T> none() {
        return Option.empty();
    }

    public static <T> Option<T> some(T value) {
        return Option.apply(value);
    }

    public static <T> Optional<T> optional(Option<T> option) {
        return option.isDefined() ? Optional.of(option.get()) : Optional.empty();
    }

    /** A Scala function from a number (Deequ passes a boxed {@code Double}) to whether it holds. */
    public static AbstractFunction1<Object, Object> predicate(DoublePredicate holds) {
        return new AbstractFunction1<>() {
            @Override
            public Object apply(Object value) {
                return holds.test(((Number) value).doubleValue());
            }
        };
    }

    public static Regex regex(String pattern) {
        return new Regex(pattern, seq(List.<String>of()));
    }

    /** A value as text, with a Scala sequence (an array column's value) written as {@code [a, b]}. */
    public static String text(Object value) {
        return value instanceof Seq<?> seq ? seq.mkString("[", ", ", "]") : String.valueOf(value);
    }
}
