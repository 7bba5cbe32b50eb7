package dev.kubeguard.docs;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** This repository as the docs tests read it: its root, its documents, its snippet sources, its poms. */
final class Repo {

  /** A fenced code block of a document, with the snippet it says it quotes ({@code null} if none). */
  record Block(Path doc, int line, String language, String snippet, String text) {
    String where() {
      return ROOT.relativize(doc) + ":" + line;
    }
  }

  static final Path ROOT = findRoot();
  static final Path SNIPPETS = ROOT.resolve("docs/snippets/src/main");

  private static final Pattern MARKER = Pattern.compile("<!--\\s*snippet:\\s*([\\w.-]+)\\s*-->");
  private static final Pattern TAG = Pattern.compile("tag::([\\w.-]+)\\[\\]");
  private static final Pattern END = Pattern.compile("end::([\\w.-]+)\\[\\]");

  // The directory holding the Maven wrapper and guard-bom, walking up from the module.
  private static Path findRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolve("guard-bom"))) {
        return p;
      }
    }
    throw new IllegalStateException("not inside the KubeGuard repository: " + Path.of("").toAbsolutePath());
  }

  /** README.md and every docs/*.md. */
  static List<Path> documents() throws IOException {
    List<Path> docs = new ArrayList<>();
    docs.add(ROOT.resolve("README.md"));
    try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    return docs;
  }

  static List<Block> blocks(Path doc) throws IOException {
    List<String> lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
    List<Block> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!line.startsWith("```")) {
        continue;
      }
      String language = line.substring(3).strip();
      int start = i;
      StringBuilder text = new StringBuilder();
      for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
        text.append(lines.get(i)).append('\n');
      }
      String snippet = null;
      for (int j = start - 1; j >= 0; j--) {
        if (!lines.get(j).isBlank()) {
          Matcher m = MARKER.matcher(lines.get(j).strip());
          snippet = m.matches() ? m.group(1) : null;
          break;
        }
      }
      out.add(new Block(doc, start + 1, language, snippet, text.toString()));
    }
    return out;
  }

  /** Every tagged region of the snippet sources, by tag, with its common indentation removed. */
  static Map<String, String> snippets() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    List<Path> files;
    try (Stream<Path> s = Files.walk(SNIPPETS)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path f : files) {
      List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        Matcher tag = TAG.matcher(lines.get(i));
        if (!tag.find() || lines.get(i).contains("end::")) {
          continue;
        }
        String name = tag.group(1);
        List<String> region = new ArrayList<>();
        int j = i + 1;
        for (; j < lines.size(); j++) {
          Matcher end = END.matcher(lines.get(j));
          if (end.find() && end.group(1).equals(name)) {
            break;
          }
          region.add(lines.get(j));
        }
        if (j == lines.size()) {
          throw new IllegalStateException(f + ": tag::" + name + "[] has no end::" + name + "[]");
        }
        if (out.put(name, dedent(region)) != null) {
          throw new IllegalStateException("snippet tag " + name + " is defined twice");
        }
      }
    }
    return out;
  }

  private static String dedent(List<String> lines) {
    int indent = Integer.MAX_VALUE;
    for (String l : lines) {
      if (!l.isBlank()) {
        indent = Math.min(indent, l.length() - l.stripLeading().length());
      }
    }
    StringBuilder s = new StringBuilder();
    for (String l : lines) {
      s.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
    }
    return s.toString();
  }

  static Document xml(String text) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return f.newDocumentBuilder().parse(new InputSource(new StringReader(text)));
    } catch (Exception e) {
      throw new IllegalStateException("not XML: " + e.getMessage(), e);
    }
  }

  static Document pom(String relative) {
    try {
      return xml(Files.readString(ROOT.resolve(relative), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The text of the first direct child {@code name} of {@code parent}, or {@code null}. */
  static String child(Element parent, String name) {
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i) instanceof Element e && e.getTagName().equals(name)) {
        return e.getTextContent().strip();
      }
    }
    return null;
  }

  /** A property of the root pom ({@code fabric8.version}). */
  static String property(String name) {
    NodeList props = pom("pom.xml").getElementsByTagName("properties");
    return child((Element) props.item(0), name);
  }

  private Repo() {}
}
