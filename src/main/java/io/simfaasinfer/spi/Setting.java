package io.simfaasinfer.spi;

import java.util.Locale;
import java.util.Optional;

/**
 * One setting a pluggable implementation reads, declared by its factory ({@link NamedFactory#settings()}):
 * its key (relative to the family's section, e.g. {@code chunk_size} under {@code scheduler}; a
 * plug-in's own keys under {@code options.}), its type, default and bounds. Validation checks a
 * configured value against it, warns when a key is set that the chosen implementation does not
 * declare ("used by" the implementations that do), and fills a plug-in's omitted options with
 * their defaults.
 *
 * @param key          the key within the family's section
 * @param type         what kind of value
 * @param defaultValue the value when not configured (Integer, Double, Boolean or String)
 * @param min          least allowed (numbers; inclusive)
 * @param max          largest allowed (numbers; inclusive)
 * @param description  one line, for documentation and messages
 */
public record Setting(String key, Type type, Object defaultValue, double min, double max, String description) {

    /** Kinds of setting values. */
    public enum Type { INTEGER, NUMBER, BOOLEAN, STRING }

    /** An integer setting in [min, max]. */
    public static Setting integer(String key, int defaultValue, long min, long max, String description) {
        return new Setting(key, Type.INTEGER, defaultValue, min, max, description);
    }

    /** A number setting in [min, max]. */
    public static Setting number(String key, double defaultValue, double min, double max, String description) {
        return new Setting(key, Type.NUMBER, defaultValue, min, max, description);
    }

    /** A true/false setting. */
    public static Setting flag(String key, boolean defaultValue, String description) {
        return new Setting(key, Type.BOOLEAN, defaultValue, 0, 0, description);
    }

    /** A string setting. */
    public static Setting string(String key, String defaultValue, String description) {
        return new Setting(key, Type.STRING, defaultValue, 0, 0, description);
    }

    /** What is wrong with {@code value} for this setting, or empty when it is acceptable. */
    public Optional<String> problem(Object value) {
        switch (type) {
            case INTEGER -> {
                if (!(value instanceof Integer || value instanceof Long)) {
                    return Optional.of("expected an integer" + range() + ", got " + shown(value));
                }
                long v = ((Number) value).longValue();
                return v < min || v > max ? Optional.of("expected an integer" + range() + ", got " + v) : Optional.empty();
            }
            case NUMBER -> {
                if (!(value instanceof Number n) || Double.isNaN(n.doubleValue())) {
                    return Optional.of("expected a number" + range() + ", got " + shown(value));
                }
                double v = n.doubleValue();
                return v < min || v > max ? Optional.of("expected a number" + range() + ", got " + v) : Optional.empty();
            }
            case BOOLEAN -> {
                return value instanceof Boolean ? Optional.empty() : Optional.of("expected true or false, got " + shown(value));
            }
            default -> {
                return value instanceof String ? Optional.empty() : Optional.of("expected a string, got " + shown(value));
            }
        }
    }

    private String range() {
        if (min == -Double.MAX_VALUE && max == Double.MAX_VALUE) {
            return "";
        }
        if (max == Double.MAX_VALUE || (type == Type.INTEGER && max >= Integer.MAX_VALUE)) {
            return " >= " + num(min);
        }
        return " in [" + num(min) + ", " + num(max) + "]";
    }

    private String num(double v) {
        return type == Type.INTEGER || v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v)
                : String.format(Locale.ROOT, "%g", v);
    }

    private static String shown(Object value) {
        return value == null ? "nothing" : value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    }
}
