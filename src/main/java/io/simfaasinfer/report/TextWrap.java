package io.simfaasinfer.report;

/**
 * Wraps long lines of a text report at spaces, continuing them indented. Lines that fit, and
 * words longer than the width (a path), are left whole; the text of each line is unchanged apart
 * from the break. Warnings and errors are printed elsewhere, one line each, and are not wrapped.
 */
public final class TextWrap {

    /** Width of the text reports (run's summary). */
    public static final int WIDTH = 100;

    private static final String INDENT = "    ";

    private TextWrap() {
    }

    /** {@code text} with every line longer than {@code width} broken at spaces. */
    public static String wrap(String text, int width) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl;
            wrapLine(out, text.substring(start, end), width);
            if (nl >= 0) {
                out.append('\n');
            }
            start = end + 1;
        }
        return out.toString();
    }

    private static void wrapLine(StringBuilder out, String line, int width) {
        String rest = line;
        String prefix = "";
        while (prefix.length() + rest.length() > width) {
            int room = width - prefix.length();
            int cut = rest.lastIndexOf(' ', room);
            if (cut <= 0) {
                cut = rest.indexOf(' ', room);
                if (cut < 0) {
                    break;
                }
            }
            out.append(prefix).append(rest, 0, cut).append('\n');
            rest = rest.substring(cut + 1);
            prefix = INDENT;
        }
        out.append(prefix).append(rest);
    }
}
