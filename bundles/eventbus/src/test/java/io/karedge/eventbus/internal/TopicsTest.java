package io.karedge.eventbus.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void namesAndFilters() {
        assertThat(Topics.isValidName("a/b")).isTrue();
        assertThat(Topics.isValidName("a//b")).isTrue();
        assertThat(Topics.isValidName("")).isFalse();
        assertThat(Topics.isValidName("a/+")).isFalse();
        assertThat(Topics.isValidName("a/#")).isFalse();
        assertThat(Topics.isValidFilter("a/+/c/#")).isTrue();
        assertThat(Topics.isValidFilter("#")).isTrue();
        assertThat(Topics.isValidFilter("a/#/c")).isFalse();
        assertThat(Topics.isValidFilter("a/b+")).isFalse();
        assertThat(Topics.isValidFilter("a/b#")).isFalse();
    }

    @Test
    void matchingFollowsMqtt311IncludingTheDollarRule() {
        assertThat(Topics.matches("a/#", "a")).isTrue();
        assertThat(Topics.matches("a/#", "a/b/c")).isTrue();
        assertThat(Topics.matches("a/+", "a")).isFalse();
        assertThat(Topics.matches("a/+", "a/")).isTrue();
        assertThat(Topics.matches("+/+", "a/b")).isTrue();
        assertThat(Topics.matches("#", "$hw/events")).isFalse();
        assertThat(Topics.matches("+/events/#", "$hw/events/x")).isFalse();
        assertThat(Topics.matches("$hw/#", "$hw/events/x")).isTrue();
    }

    @Test
    void treeAgreesWithTheMatcherAndKeepsTheHighestQos() {
        SubscriptionTree<String> tree = new SubscriptionTree<>();
        tree.add("a/#", "s1", 0);
        tree.add("a/+/c", "s1", 1);
        tree.add("#", "s2", 1);
        tree.add("$hw/events/device/+/+/twin/+", "s3", 1);
        tree.add("+/events/#", "s4", 1);

        assertThat(tree.match("a/b/c")).isEqualTo(Map.of("s1", 1, "s2", 1));
        assertThat(tree.match("a")).isEqualTo(Map.of("s1", 0, "s2", 1));
        assertThat(tree.match("$hw/events/device/ns/d/twin/update")).isEqualTo(Map.of("s3", 1));
        assertThat(tree.match("x/events")).isEqualTo(Map.of("s2", 1, "s4", 1));

        assertThat(tree.remove("#", "s2")).isTrue();
        assertThat(tree.remove("#", "s2")).isFalse();
        assertThat(tree.match("a/b/c")).isEqualTo(Map.of("s1", 1));
    }
}
