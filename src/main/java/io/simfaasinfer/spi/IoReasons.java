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
 * by every reader of user files (configuration, catalog, ...).
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
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "a parent is not a directory";
        }
        if (e instanceof CharConversionException) {
            return "not UTF-8 text (a binary file?)";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason().toLowerCase(java.util.Locale.ROOT);
        }
        String m = e.getMessage();
        return m == null ? "cannot read" : "cannot read (" + m.lines().findFirst().orElse("") + ")";
    }
}
