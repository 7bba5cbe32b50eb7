package dev.kubeguard.bench;

import dev.kubeguard.api.Decision;
import java.util.List;
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

/**
 * One {@code GuardPolicyEngine} decision at 10, 1,000 and 10,000 rules, sampled so JMH reports
 * percentiles (the target is p99 ≤ 20 µs at 1,000 rules). Three shapes of question: allowed by an
 * RBAC RoleBinding, held for approval by a GuardPolicy rule, and denied because nothing matches
 * (which also builds the Kubernetes-style denial message). Each cycles over up to 64 different
 * identities and namespaces so the numbers are not one hot cache line.
 *
 * <pre>
 * ./mvnw -B -q -pl guard-bench -am package -DskipTests
 * java -jar guard-bench/target/benchmarks.jar PolicyDecision -f 1 -wi 2 -w 2s -i 3 -r 2s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PolicyDecisionBenchmark {

  @Param({"10", "1000", "10000"})
  public int rules;

  private PolicyCorpus corpus;
  private int next;

  @Setup(Level.Trial)
  public void load() throws Exception {
    corpus = new PolicyCorpus(rules);
  }

  private Decision ask(List<PolicyCorpus.Question> questions) {
    PolicyCorpus.Question q = questions.get((next++ & Integer.MAX_VALUE) % questions.size());
    return corpus.engine.decide(q.identity(), q.attributes());
  }

  @Benchmark
  public Decision allowedByRbac() {
    return ask(corpus.allowedByRbac);
  }

  @Benchmark
  public Decision needsApproval() {
    return ask(corpus.needingApproval);
  }

  @Benchmark
  public Decision deniedNoRuleMatches() {
    return ask(corpus.deniedUnmatched);
  }
}
