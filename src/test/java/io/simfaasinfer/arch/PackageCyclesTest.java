package io.simfaasinfer.arch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No package cycles in the main sources: the packages form a layered graph (a request's path reads
 * from the package list), so a change in one package never needs a change in one that depends on it.
 * Dependencies are read from the sources: imports and fully qualified names in code (comments and
 * string literals left out), to the package of the named class.
 */
class PackageCyclesTest {

    private static final Path ROOT = Path.of("src/main/java/io/simfaasinfer");
    private static final Pattern PACKAGE = Pattern.compile("^package (io\\.simfaasinfer[\\w.]*);", Pattern.MULTILINE);
    /** A qualified name of one of ours: its package is the run of lower-case segments before a class name. */
    private static final Pattern NAME = Pattern.compile("\\bio\\.simfaasinfer((?:\\.[a-z]\\w*)*)\\.[A-Z]");

    @Test
    void thePackageGraphOfTheMainSourcesHasNoCycle() throws IOException {
        Map<String, Map<String, Set<String>>> deps = dependencies();
        assertThat(deps).as("packages read from %s", ROOT).hasSizeGreaterThan(20);
        List<List<String>> cycles = stronglyConnected(deps);
        StringBuilder why = new StringBuilder();
        for (List<String> c : cycles) {
            why.append("cycle ").append(c).append(":\n");
            for (String a : c) {
                for (String b : c) {
                    Set<String> files = deps.getOrDefault(a, Map.of()).get(b);
                    if (files != null) {
                        why.append("  ").append(a).append(" -> ").append(b).append(" in ").append(files).append('\n');
                    }
                }
            }
        }
        assertThat(cycles).as(why.toString()).isEmpty();
    }

    @Test
    void theCheckFindsACycleWhenThereIsOne() {
        Map<String, Map<String, Set<String>>> g = new TreeMap<>();
        edge(g, "a", "b");
        edge(g, "b", "c");
        edge(g, "c", "a");
        edge(g, "c", "d");
        edge(g, "d", "e");
        assertThat(stronglyConnected(g)).containsExactly(List.of("a", "b", "c"));
    }

    private static void edge(Map<String, Map<String, Set<String>>> g, String a, String b) {
        g.computeIfAbsent(a, k -> new TreeMap<>()).computeIfAbsent(b, k -> new TreeSet<>()).add(a + ".java");
    }

    /** Package -> package it uses -> the files of the first that use it. */
    private static Map<String, Map<String, Set<String>>> dependencies() throws IOException {
        Map<String, Map<String, Set<String>>> deps = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(ROOT)) {
            files = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        for (Path f : files) {
            String src = Files.readString(f);
            Matcher pm = PACKAGE.matcher(src);
            if (!pm.find()) {
                continue;
            }
            String pkg = pm.group(1);
            Matcher m = NAME.matcher(code(src));
            while (m.find()) {
                String target = "io.simfaasinfer" + m.group(1);
                if (!target.equals(pkg)) {
                    deps.computeIfAbsent(pkg, k -> new TreeMap<>()).computeIfAbsent(target, k -> new TreeSet<>())
                            .add(f.getFileName().toString());
                }
            }
            deps.computeIfAbsent(pkg, k -> new TreeMap<>());
        }
        return deps;
    }

    /** The source without comments and string or character literals. */
    static String code(String src) {
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                while (i < n && src.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                int end = src.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                i = end < 0 ? n : end + 3;
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && src.charAt(j) != c) {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Tarjan's strongly connected components of more than one package, each sorted, in order of discovery. */
    static List<List<String>> stronglyConnected(Map<String, Map<String, Set<String>>> g) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new java.util.HashSet<>();
        List<List<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String v : g.keySet()) {
            if (!index.containsKey(v)) {
                visit(v, g, index, low, stack, onStack, out, counter);
            }
        }
        return out;
    }

    private static void visit(String v, Map<String, Map<String, Set<String>>> g, Map<String, Integer> index,
                              Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
                              List<List<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : g.getOrDefault(v, Map.of()).keySet()) {
            if (!index.containsKey(w)) {
                visit(w, g, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> comp = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                comp.add(w);
            } while (!w.equals(v));
            if (comp.size() > 1) {
                comp.sort(null);
                out.add(comp);
            }
        }
    }
}
