package io.medallion.config;

/**
 * A pipeline spec or overlay that cannot be used. The message always names the file, the key
 * path inside it and what was wrong, so a user can fix it without reading code.
 */
public final class SpecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String keyPath;
    private final String problem;

    public SpecException(String file, String keyPath, String problem) {
        super(file + ": " + (keyPath.isEmpty() ? "(top level)" : keyPath) + ": " + problem);
        this.file = file;
        this.keyPath = keyPath;
        this.problem = problem;
    }

    public SpecException(String file, String keyPath, String problem, Throwable cause) {
        this(file, keyPath, problem);
        initCause(cause);
    }

    public String file() {
        return file;
    }

    public String keyPath() {
        return keyPath;
    }

    public String problem() {
        return problem;
    }
}
