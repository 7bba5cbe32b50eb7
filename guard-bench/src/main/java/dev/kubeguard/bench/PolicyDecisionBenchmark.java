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
import org.openjdk.jmh.infra.Blackhole;

/**
 * One {@code GuardPolicyEngine} decision at 1,000 and 10,000 rules, of which {@code
 * globSubjectPercent} have glob subjects ({@link PolicyCorpus}), sampled so JMH reports
 * percentiles (the target is p99 ≤ 1 µs at 10,000 rules, glob subjects included). {@link
 * #noiseFloor} samples no decision at all, so the tail the machine adds is read off the same run. Five shapes of
 * question: allowed by an RBAC RoleBinding, held for approval by a GuardPolicy rule, allowed only
 * by a glob-subject rule, and denied because nothing matches, once for ordinary identities and
 * once for identities that share long prefixes and suffixes with every glob subject (the worst
 * case: a default deny looks at everything that could match). Each cycles over up to 64
 * different identities and namespaces so the numbers are not one hot cache line. {@code -p
 * globSubjectPercent=0} gives the corpus without glob subjects.
 *
 * <pre>
 * ./mvnw -B -o -q -pl guard-bench -am package -DskipTests
 * java -jar guard-bench/target/benchmarks.jar PolicyDecision -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PolicyDecisionBenchmark {

  @Param({"1000", "10000"})
  public int rules;

  @Param({"20"})
  public int globSubjectPercent;

  @Param({"60"})
  public int floorTokens;

  private PolicyCorpus corpus;
  private int next;

  @Setup(Level.Trial)
  public void load() throws Exception {
    corpus = new PolicyCorpus(rules, globSubjectPercent);
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

  @Benchmark
  public Decision allowedByGlobSubject() {
    return ask(corpus.allowedByGlob);
  }

  @Benchmark
  public Decision deniedNoRuleMatchesNearGlobs() {
    return ask(corpus.deniedUnmatchedGlob);
  }

  /**
   * No decision at all, sampled the same way: its percentiles are the machine's own (timer,
   * interrupts, a shared VM's steal), the floor under every other method's tail in the same run.
   */
  @Benchmark
  public Decision noiseFloor() {
    return corpus.allowedByRbac.get((next++ & Integer.MAX_VALUE) % corpus.allowedByRbac.size()) == null ? null : FLOOR;
  }

  /**
   * About as long as a decision, but in registers only ({@link Blackhole#consumeCPU}, no memory
   * touched): an interrupt or a steal of the shared VM hits an operation in proportion to its
   * length, so {@link #noiseFloor} (a few nanoseconds) understates what the machine adds to a
   * 0.2-0.3 µs decision. This method's tail is that share; tune {@code floorTokens} so its p50 is
   * the decisions' p50.
   */
  @Benchmark
  public Decision busyFloor() {
    Blackhole.consumeCPU(floorTokens);
    return FLOOR;
  }

  private static final Decision FLOOR = Decision.allow("floor", "no question asked");
}
