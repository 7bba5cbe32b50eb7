package dev.kubeguard.core.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Kubernetes {@code metav1.AggregationSelector} (matchLabels and matchExpressions with In, NotIn,
 * Exists, DoesNotExist), as ClusterRole aggregation uses it. An empty selector matches every
 * label set, as {@code LabelSelectorAsSelector} makes it. Immutable.
 */
record AggregationSelector(Map<String, String> matchLabels, List<Requirement> expressions) {

  private static final Set<String> FIELDS = Set.of("matchLabels", "matchExpressions");
  private static final Set<String> EXPRESSION = Set.of("key", "operator", "values");

  record Requirement(String key, String operator, List<String> values) {}

  AggregationSelector {
    matchLabels = Map.copyOf(matchLabels);
    expressions = List.copyOf(expressions);
  }

  static AggregationSelector read(Node n) throws PolicyLoadException {
    n.requireFields(FIELDS);
    Map<String, String> labels = n.get("matchLabels").stringMap();
    List<Requirement> reqs = new ArrayList<>();
    for (Node e : n.get("matchExpressions").items()) {
      e.requireFields(EXPRESSION);
      String key = e.get("key").string();
      Node opNode = e.get("operator");
      String op = opNode.string();
      List<String> values = e.get("values").strings();
      switch (op) {
        case "In", "NotIn" -> {
          if (values.isEmpty()) {
            throw e.get("values").error("operator " + op + " needs at least one value");
          }
        }
        case "Exists", "DoesNotExist" -> {
          if (!values.isEmpty()) {
            throw e.get("values").error("operator " + op + " takes no values");
          }
        }
        default -> throw opNode.error("unknown operator \"" + op + "\": use In, NotIn, Exists or DoesNotExist");
      }
      reqs.add(new Requirement(key, op, values));
    }
    return new AggregationSelector(labels, reqs);
  }

  boolean matches(Map<String, String> labels) {
    for (Map.Entry<String, String> e : matchLabels.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (Requirement r : expressions) {
      String v = labels.get(r.key());
      boolean ok =
          switch (r.operator()) {
            case "In" -> v != null && r.values().contains(v);
            case "NotIn" -> v == null || !r.values().contains(v);
            case "Exists" -> v != null;
            default -> v == null;
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
