package dev.kubeguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubeguard.core.mask.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tool that builds a Guard and makes a few calls pays for every class the Guard loads. Jackson's
 * databind mapper is some 300 classes and tens of milliseconds to make, a date formatter some 45;
 * a Guard needs the mapper only for request bodies and checkpoints and the formatter only for
 * years outside 1-9999, so building one and serving a GET must load neither. Checked in a fresh
 * JVM, which logs each class it loads.
 */
class ColdStartTest {

  @Test
  void buildingAGuardAndServingAGetThroughItsTrailLoadNeitherJacksonsMapperNorADateFormatter(@TempDir Path dir) throws Exception {
    Path loaded = dir.resolve("classes.log");
    ChildJvm.Result child = ChildJvm.run(Duration.ofMinutes(2),
        List.of("-Xlog:class+load=info:file=" + loaded), ColdStartChild.class).assertSucceeded();

    assertThat(child.value("masked")).as("the GET went through the masker").isPositive();
    assertThat(child.value("trailLines")).as("a request and a response event").isEqualTo(2);
    assertThat(Files.readAllLines(loaded)).as("classes the child loaded")
        .anySatisfy(line -> assertThat(line).contains(" dev.kubeguard.core.Guard "))
        .noneSatisfy(line -> assertThat(line).contains(" com.fasterxml.jackson.databind.ObjectMapper "))
        .noneSatisfy(line -> assertThat(line).contains(" java.time.format.DateTimeFormatter "));
  }
}
