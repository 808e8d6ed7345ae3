package io.simfaasinfer.spi;

import java.io.CharConversionException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Why an input file could not be read, in words a user acts on ("file not found", "is a directory,
 * expected a file", "permission denied", "not UTF-8 text"), never an exception's class name. Shared
 * by every reader of user files (configuration, catalog, ...); {@link #ofWrite} words why an output
 * could not be written.
 */
public final class IoReasons {

    private IoReasons() {
    }

    /** The reason {@code e} was thrown while reading {@code path} (may be null). */
    public static String of(Path path, IOException e) {
        if (path != null && Files.isDirectory(path)) {
            return "is a directory, expected a file";
        }
        if (e instanceof NoSuchFileException) {
            return "file not found";
        }
        if (e instanceof NotDirectoryException) {
            return "a parent is not a directory";
        }
        if (e instanceof CharConversionException) {
            return "not UTF-8 text (a binary file?)";
        }
        String common = common(e);
        if (common != null) {
            return common;
        }
        String m = e.getMessage();
        return m == null ? "cannot read" : "cannot read (" + m.lines().findFirst().orElse("") + ")";
    }

    /**
     * Why writing an output failed ({@code failure} or the first I/O exception among its causes), in a
     * few lowercase words: "no space left on device", "permission denied", "not a directory"...
     */
    public static String ofWrite(Throwable failure) {
        Throwable t = failure;
        while (t != null && !(t instanceof IOException)) {
            t = t.getCause();
        }
        if (t == null) {
            return failure.getMessage() == null ? failure.toString() : failure.getMessage();
        }
        if (t instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (t instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        String common = common((IOException) t);
        if (common != null) {
            return common;
        }
        String m = t.getMessage();
        if (m != null && m.contains(": ") && m.startsWith("/")) {
            m = m.substring(m.lastIndexOf(": ") + 2);
        }
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : lower(m);
    }

    /** What reading and writing word alike: a denied permission, the file system's own reason; else null. */
    private static String common(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return lower(fs.getReason());
        }
        return null;
    }

    private static String lower(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toLowerCase(java.util.Locale.ROOT) + s.substring(1);
    }
}
