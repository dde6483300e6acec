package io.medallion.jobs.bronze.source;

import java.util.Iterator;
import java.util.NoSuchElementException;

/** An iterator over what {@link #read} returns, one ahead, until it returns null (the end). */
abstract class Lookahead<T> implements Iterator<T> {
    private T next;
    private boolean started;

    /** The next element, or null at the end (after closing what it reads). */
    abstract T read();

    @Override
    public boolean hasNext() {
        if (!started) {
            next = read();
            started = true;
        }
        return next != null;
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T current = next;
        next = read();
        return current;
    }
}
