package dev.kubeguard.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.kubeguard.core.policy.GuardPolicyEngine;
import dev.kubeguard.core.policy.PolicyLoader;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Loading a whole policy: {@code PolicyLoader.fromYaml} on the generated source of {@link
 * PolicyCorpus} at 1,000 and 10,000 rules ({@code globSubjectPercent} of them with glob subjects;
 * 1.56 MB of YAML at 10,000), from text to a ready {@code GuardPolicyEngine}. The baseline in the
 * same run, {@code yamlTokensOnly}, only pulls every token of the same text through the YAML
 * parser the loader uses, which any loader must pay; {@code load / yamlTokensOnly} is what reading,
 * validating and indexing the rules add on top of parsing.
 *
 * <pre>
 * ./mvnw -B -o -q -pl guard-bench -am package -DskipTests
 * java -jar guard-bench/target/benchmarks.jar PolicyLoad -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PolicyLoadBenchmark {

  @Param({"1000", "10000"})
  public int rules;

  @Param({"20"})
  public int globSubjectPercent;

  private String yaml;
  private String name;
  private final YAMLFactory yamlFactory = YAMLFactory.builder().build();

  @Setup(Level.Trial)
  public void generate() throws Exception {
    yaml = new PolicyCorpus(rules, globSubjectPercent).yaml;
    name = "generated-" + rules + ".yaml";
  }

  @Benchmark
  public GuardPolicyEngine load() throws Exception {
    return PolicyLoader.fromYaml(name, yaml);
  }

  @Benchmark
  public int yamlTokensOnly(Blackhole bh) throws Exception {
    int tokens = 0;
    try (JsonParser p = yamlFactory.createParser(yaml)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.VALUE_STRING || t == JsonToken.FIELD_NAME) {
          bh.consume(p.getText());
        }
        tokens++;
      }
    }
    return tokens;
  }
}
