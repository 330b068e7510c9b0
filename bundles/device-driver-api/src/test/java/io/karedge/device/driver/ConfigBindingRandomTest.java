package io.karedge.device.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generates configData objects, valid and invalid, numbers as JSON numbers or strings, keys under their
 * name or alias, and unknown keys, and checks that binding gives the expected values or fails naming the
 * first wrong key. Seed: {@code -Dconfig.seed=...}; printed on failure.
 */
class ConfigBindingRandomTest {

    enum Colour { RED, DarkGreen }

    record Sample(@ConfigKey(min = 0, max = 100) int level,
                  long count,
                  double ratio,
                  boolean on,
                  Colour colour,
                  @ConfigKey(min = 1, max = 60_000) Duration pause,
                  @ConfigKey(aliases = "label") String name) {

        static final Sample DEFAULTS = new Sample(50, 7, 0.5, true, Colour.RED, Duration.ofSeconds(1), "none");
    }

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String WHERE = "device r protocol configData";

    @Test
    void bindingGivesTheValuesOrNamesTheWrongKey() {
        long seed = Long.getLong("config.seed", System.nanoTime());
        Random random = new Random(seed);
        for (int round = 0; round < 2000; round++) {
            try {
                checkOne(random);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + " round " + round + ": " + e.getMessage(), e);
            }
        }
    }

    private static void checkOne(Random random) {
        ObjectNode config = JSON.objectNode();
        List<String> wrong = new ArrayList<>();
        Sample d = Sample.DEFAULTS;

        int level = d.level();
        switch (random.nextInt(5)) {
            case 0 -> { }
            case 1 -> { level = random.nextInt(101); config.put("level", level); }
            case 2 -> { level = random.nextInt(101); config.put("level", " " + level + " "); }
            case 3 -> { config.put("level", random.nextBoolean() ? 101 + random.nextInt(1000) : -1 - random.nextInt(9)); wrong.add("level"); }
            default -> { config.put("level", random.nextBoolean() ? "ten" : "1.5"); wrong.add("level"); }
        }
        long count = d.count();
        switch (random.nextInt(4)) {
            case 0 -> { }
            case 1 -> { count = random.nextLong(); config.put("count", count); }
            case 2 -> { count = random.nextLong(); config.put("count", Long.toString(count)); }
            default -> { config.put("count", "9223372036854775808"); wrong.add("count"); }
        }
        double ratio = d.ratio();
        switch (random.nextInt(4)) {
            case 0 -> { }
            case 1 -> { ratio = random.nextInt(10_000) / 100.0; config.put("ratio", ratio); }
            case 2 -> { ratio = random.nextInt(10_000) / 100.0; config.put("ratio", Double.toString(ratio)); }
            default -> { config.put("ratio", random.nextBoolean() ? "x1" : "Infinity"); wrong.add("ratio"); }
        }
        boolean on = d.on();
        switch (random.nextInt(4)) {
            case 0 -> { }
            case 1 -> { on = random.nextBoolean(); config.put("on", on); }
            case 2 -> { on = random.nextBoolean(); config.put("on", on ? "TRUE" : "False"); }
            default -> { config.put("on", random.nextBoolean() ? "yes" : "1"); wrong.add("on"); }
        }
        Colour colour = d.colour();
        switch (random.nextInt(4)) {
            case 0 -> { }
            case 1 -> { colour = Colour.values()[random.nextInt(2)]; config.put("colour", colour.name().toLowerCase()); }
            case 2 -> { colour = Colour.values()[random.nextInt(2)]; config.put("colour", colour.name().toUpperCase()); }
            default -> { config.put("colour", "blue"); wrong.add("colour"); }
        }
        Duration pause = d.pause();
        switch (random.nextInt(5)) {
            case 0 -> { }
            case 1 -> { long ms = 1 + random.nextInt(60_000); pause = Duration.ofMillis(ms); config.put("pause", ms); }
            case 2 -> { long ms = 1 + random.nextInt(60_000); pause = Duration.ofMillis(ms); config.put("pause", ms + "ms"); }
            case 3 -> { long s = 1 + random.nextInt(60); pause = Duration.ofSeconds(s); config.put("pause", s + "s"); }
            default -> { config.put("pause", random.nextBoolean() ? "2h" : "0"); wrong.add("pause"); }
        }
        String name = d.name();
        switch (random.nextInt(5)) {
            case 0 -> { }
            case 1 -> { name = "n" + random.nextInt(100); config.put("name", name); }
            case 2 -> { name = "l" + random.nextInt(100); config.put("label", name); }
            case 3 -> { config.put("name", "a"); config.put("label", "b"); wrong.add("name"); }
            default -> { config.putObject("name"); wrong.add("name"); }
        }
        int unknown = random.nextInt(3);
        for (int i = 0; i < unknown; i++) {
            config.put("extra" + i, random.nextInt());
        }

        List<String> warnings = new ArrayList<>();
        if (wrong.isEmpty()) {
            Sample bound = ConfigBinding.bind(config, Sample.class, WHERE, warnings::add);
            assertThat(bound).as(config.toString())
                    .isEqualTo(new Sample(level, count, ratio, on, colour, pause, name));
            assertThat(warnings).as(config.toString()).hasSize(unknown)
                    .allSatisfy(w -> assertThat(w).startsWith(WHERE + ": unknown key 'extra"));
        } else {
            String first = wrong.get(0);
            assertThatThrownBy(() -> ConfigBinding.bind(config, Sample.class, WHERE, warnings::add))
                    .as(config.toString())
                    .isInstanceOf(IllegalArgumentException.class)
                    .message().startsWith(WHERE + ": ").satisfiesAnyOf(
                            m -> assertThat(m).contains(": " + first + " must be "),
                            m -> assertThat(m).contains(": set " + first + " or "));
        }
    }
}
