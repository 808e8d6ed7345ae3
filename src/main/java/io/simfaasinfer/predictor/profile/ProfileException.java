package io.simfaasinfer.predictor.profile;

/**
 * A profile (or telemetry) file that cannot be used. The message is one line naming the file,
 * the entry index and the field, e.g.
 * {@code .../fitted_profile.json: entry 7: field 'median_ms' is missing}.
 */
public final class ProfileException extends RuntimeException {

    public ProfileException(String message) {
        super(message);
    }

    public ProfileException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code file: message}. */
    static ProfileException inFile(String file, String message) {
        return new ProfileException(file + ": " + message);
    }

    /** {@code file: entry i: message}. */
    static ProfileException atEntry(String file, int index, String message) {
        return new ProfileException(file + ": entry " + index + ": " + message);
    }
}
