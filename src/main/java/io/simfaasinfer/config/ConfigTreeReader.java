package io.simfaasinfer.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a YAML or JSON configuration document into a tree, strictly: a key given twice in one
 * mapping is an error naming both lines; YAML anchors and aliases ({@code &name}, {@code *name})
 * are expanded, as is the merge key {@code <<}, rather than read as the alias's name; and the line
 * of every key is recorded, so that later errors can name it. Jackson's tree reader does none of
 * the three (it keeps the last duplicate and turns an alias into a string).
 */
final class ConfigTreeReader {

    /** Most nodes an alias expansion may produce (a "billion laughs" document is refused, not expanded). */
    static final int MAX_NODES = 1_000_000;

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final YAMLFactory YAML = YAMLFactory.builder().build();

    /** A document's tree and the line of each key path (dot-separated; list items by index). */
    record Document(JsonNode root, Map<String, Integer> lines) {
    }

    private final String name;
    /** The document's text, to tell an alias of a scalar's anchor (Jackson does not expose those) from a missing one. */
    private String text = "";
    private final Map<String, JsonNode> anchors = new HashMap<>();
    private final Map<String, Integer> lines = new LinkedHashMap<>();
    private int nodes;

    private ConfigTreeReader(String name) {
        this.name = name;
    }

    /** Reads {@code file} (JSON if its name ends in .json, else YAML); null root for an empty document. */
    static Document read(Path file) {
        String name = file.toString();
        boolean json = name.endsWith(".json");
        ConfigTreeReader reader = new ConfigTreeReader(name);
        if (Files.isDirectory(file)) {
            throw new ConfigException(name + ": is a directory, expected a YAML or JSON file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readAllBytes();
            reader.text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            return reader.parse(bytes, json);
        } catch (java.io.CharConversionException e) {
            throw new ConfigException(name + ": not valid " + (json ? "JSON" : "YAML") + ": not UTF-8 text (a binary file?)");
        } catch (IOException e) {
            throw new ConfigException(name + ": " + io.simfaasinfer.spi.IoReasons.of(file, e));
        }
    }

    private Document parse(byte[] bytes, boolean json) {
        try (JsonParser p = (json ? JSON : YAML).createParser(bytes)) {
            JsonToken first = p.nextToken();
            JsonNode root = first == null ? null : value(p, "");
            if (root != null && p.nextToken() != null) {
                throw new ConfigException(name + ":" + line(p) + ": more than one document; expected one mapping");
            }
            return new Document(root, Map.copyOf(lines));
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof java.io.CharConversionException) {
                throw new ConfigException(name + ": not valid " + (json ? "JSON" : "YAML") + ": not UTF-8 text (a binary file?)");
            }
            var loc = e.getLocation();
            String where = loc == null || loc.getLineNr() < 1 ? "" : ":" + loc.getLineNr();
            throw new ConfigException(name + where + ": not valid " + (json ? "JSON" : "YAML")
                    + " (" + plain(e.getOriginalMessage()) + ")");
        } catch (java.io.CharConversionException e) {
            throw new ConfigException(name + ": not valid " + (json ? "JSON" : "YAML") + ": not UTF-8 text (a binary file?)");
        } catch (IOException e) {
            throw new ConfigException(name + ": cannot read (" + plain(e.getMessage()) + ")");
        }
    }

    /** The first line of a parser's message, without Java class names. */
    static String plain(String message) {
        String first = message == null ? "" : message.lines().findFirst().orElse("");
        return first.replaceAll("(java|com\\.fasterxml|io\\.simfaasinfer)[\\w.$]*\\.([A-Z]\\w*)(Exception|Error): ?", "")
                .replaceAll("`?(java|com\\.fasterxml|io\\.simfaasinfer)\\.[\\w.$]*\\.([A-Z]\\w*)`?", "$2");
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    /** The value whose first token is current; leaves its last token current. */
    private JsonNode value(JsonParser p, String path) throws IOException {
        if (++nodes > MAX_NODES) {
            throw new ConfigException(name + ":" + line(p) + ": " + label(path)
                    + "more than " + MAX_NODES + " values (aliases expanding without bound?)");
        }
        String anchor = p instanceof YAMLParser y ? y.getObjectId() : null;
        JsonNode node = switch (p.currentToken()) {
            case START_OBJECT -> object(p, path);
            case START_ARRAY -> array(p, path);
            case VALUE_STRING -> p instanceof YAMLParser y && y.isCurrentAlias() ? alias(p, y.getText(), path)
                    : JsonNodeFactory.instance.textNode(p.getText());
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> JsonNodeFactory.instance.numberNode(p.getIntValue());
                case LONG -> JsonNodeFactory.instance.numberNode(p.getLongValue());
                default -> JsonNodeFactory.instance.numberNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> JsonNodeFactory.instance.numberNode(p.getDoubleValue());
            case VALUE_TRUE -> JsonNodeFactory.instance.booleanNode(true);
            case VALUE_FALSE -> JsonNodeFactory.instance.booleanNode(false);
            case VALUE_NULL -> JsonNodeFactory.instance.nullNode();
            default -> throw new ConfigException(name + ":" + line(p) + ": " + label(path)
                    + "unexpected " + p.currentToken());
        };
        if (anchor != null) {
            anchors.put(anchor, node);
        }
        return node;
    }

    private ObjectNode object(JsonParser p, String path) throws IOException {
        ObjectNode obj = JsonNodeFactory.instance.objectNode();
        Map<String, Integer> keyLines = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            int keyLine = line(p);
            String keyPath = path.isEmpty() ? key : path + "." + key;
            Integer earlier = keyLines.putIfAbsent(key, keyLine);
            if (earlier != null) {
                throw new ConfigException(name + ":" + keyLine + ": " + keyPath + ": given twice in one mapping"
                        + " (first at line " + earlier + "); keep one");
            }
            p.nextToken();
            if (key.equals("<<") && p instanceof YAMLParser) {
                JsonNode v = value(p, path); // a merge key: explicit keys win, and earlier merges over later
                for (JsonNode m : v.isArray() ? v : JsonNodeFactory.instance.arrayNode().add(v)) {
                    if (!(m instanceof ObjectNode mo)) {
                        throw new ConfigException(name + ":" + keyLine + ": " + label(path)
                                + "'<<' merges a mapping (or a list of mappings), got " + m.getNodeType().name().toLowerCase());
                    }
                    mo.fields().forEachRemaining(e -> {
                        if (!obj.has(e.getKey())) {
                            obj.set(e.getKey(), e.getValue().deepCopy());
                        }
                    });
                }
                continue;
            }
            lines.put(keyPath, keyLine);
            obj.set(key, value(p, keyPath));
        }
        return obj;
    }

    private ArrayNode array(JsonParser p, String path) throws IOException {
        ArrayNode arr = JsonNodeFactory.instance.arrayNode();
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String itemPath = path + "." + i++;
            lines.putIfAbsent(itemPath, line(p));
            arr.add(value(p, itemPath));
        }
        return arr;
    }

    private JsonNode alias(JsonParser p, String anchor, String path) {
        JsonNode target = anchors.get(anchor);
        if (target == null && java.util.regex.Pattern.compile("&" + java.util.regex.Pattern.quote(anchor) + "(\\s|$)")
                .matcher(text).find()) {
            throw new ConfigException(name + ":" + line(p) + ": " + label(path) + "alias *" + anchor + " refers to an"
                    + " anchor on a single value, which is not supported; anchor a mapping or a list");
        }
        if (target == null) {
            throw new ConfigException(name + ":" + line(p) + ": " + label(path) + "alias *" + anchor
                    + " refers to no anchor &" + anchor + " before it");
        }
        nodes += count(target);
        if (nodes > MAX_NODES) {
            throw new ConfigException(name + ":" + line(p) + ": " + label(path)
                    + "more than " + MAX_NODES + " values (aliases expanding without bound?)");
        }
        return target.deepCopy();
    }

    private static int count(JsonNode n) {
        int c = 1;
        for (JsonNode child : n) {
            c += count(child);
        }
        return c;
    }

    private static String label(String path) {
        return path.isEmpty() ? "" : path + ": ";
    }
}
