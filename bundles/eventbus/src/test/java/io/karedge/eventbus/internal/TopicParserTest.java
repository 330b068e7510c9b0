package io.karedge.eventbus.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.api.twin.TwinOperation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicParserTest {

    private final TopicParser parser = new TopicParser(true);

    @Test
    void namespacedDeviceTopics() {
        assertThat(parser.parse("$hw/events/device/plant-a/thermo-01/twin/update")).isEqualTo(new BusTopic.Twin(
                TwinOperation.TWIN_UPDATE, "plant-a/thermo-01", "$hw/events/device/plant-a/thermo-01/twin/update/result",
                false));
        assertThat(parser.parse("$hw/events/device/ns/d/twin/get"))
                .isEqualTo(new BusTopic.Twin(TwinOperation.TWIN_GET, "ns/d", "$hw/events/device/ns/d/twin/get/result", false));
        assertThat(parser.parse("$hw/events/device/ns/d/state/update")).isEqualTo(new BusTopic.Twin(
                TwinOperation.STATE_UPDATE, "ns/d", "$hw/events/device/ns/d/state/update/result", false));
        assertThat(parser.parse("$hw/events/device/ns/d/twin/cloud_updated"))
                .isEqualTo(new BusTopic.Twin(TwinOperation.TWIN_CLOUD_UPDATED, "ns/d",
                        "$hw/events/device/ns/d/twin/cloud_updated/result", false));
    }

    @Test
    void legacyDeviceTopicsMapToNamespaceDefaultAndAnswerInTheirOwnForm() {
        assertThat(parser.parse("$hw/events/device/thermo/twin/update")).isEqualTo(new BusTopic.Twin(
                TwinOperation.TWIN_UPDATE, "default/thermo", "$hw/events/device/thermo/twin/update/result", true));
        assertThat(parser.parse("$hw/events/device/thermo/state/update")).isEqualTo(new BusTopic.Twin(
                TwinOperation.STATE_UPDATE, "default/thermo", "$hw/events/device/thermo/state/update/result", true));
    }

    @Test
    void legacyTopicsCanBeSwitchedOff() {
        BusTopic topic = new TopicParser(false).parse("$hw/events/device/thermo/twin/update");
        assertThat(topic).isInstanceOf(BusTopic.Rejected.class);
        assertThat(((BusTopic.Rejected) topic).replyTopic()).isEqualTo("$hw/events/device/thermo/twin/update/result");
    }

    @Test
    void nodeTopics() {
        assertThat(parser.parse("$hw/events/node/edge-7/membership/get")).isEqualTo(new BusTopic.Twin(
                TwinOperation.MEMBERSHIP_GET, "edge-7", "$hw/events/node/edge-7/membership/get/result", false));
        assertThat(parser.parse("$hw/events/node/node/membership/get"))
                .isEqualTo(new BusTopic.Twin(TwinOperation.MEMBERSHIP_GET, "node",
                        "$hw/events/node/node/membership/get/result", false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "e", "events", "device", "node", "twin", "hw", "$hw"})
    void namesThatAreSubstringsOfThePrefixAreOrdinaryNames(String name) {
        assertThat(parser.parse("$hw/events/device/" + name + "/thermo/twin/update"))
                .isEqualTo(new BusTopic.Twin(TwinOperation.TWIN_UPDATE, name + "/thermo",
                        "$hw/events/device/" + name + "/thermo/twin/update/result", false));
        assertThat(parser.parse("$hw/events/device/plant/" + name + "/twin/update"))
                .isEqualTo(new BusTopic.Twin(TwinOperation.TWIN_UPDATE, "plant/" + name,
                        "$hw/events/device/plant/" + name + "/twin/update/result", false));
        assertThat(parser.parse("$hw/events/node/" + name + "/membership/get"))
                .isEqualTo(new BusTopic.Twin(TwinOperation.MEMBERSHIP_GET, name,
                        "$hw/events/node/" + name + "/membership/get/result", false));
    }

    @Test
    void wildcardsInATopicNameAreRejectedWithoutAResult() {
        for (String topic : new String[] {"$hw/events/device/+/thermo/twin/update", "$hw/events/device/ns/#",
                "$hw/events/device/ns/d+/twin/update", "$hw/events/node/+/membership/get", "$hw/events/node/#"}) {
            assertThat(parser.parse(topic)).as(topic).isEqualTo(new BusTopic.Rejected("wildcard characters in a topic name", null));
        }
    }

    @Test
    void emptyAndDotSegmentsAreRejectedWithAResult() {
        assertRejectedWithResult("$hw/events/device//thermo/twin/update", "empty namespace");
        assertRejectedWithResult("$hw/events/device/ns//twin/update", "empty device name");
        assertRejectedWithResult("$hw/events/device/../thermo/twin/get", "namespace '..' is not allowed");
        assertRejectedWithResult("$hw/events/device/ns/./state/update", "device name '.' is not allowed");
        assertRejectedWithResult("$hw/events/device//twin/update", "empty device name");
        assertRejectedWithResult("$hw/events/node//membership/get", "empty node name");
        assertRejectedWithResult("$hw/events/node/../membership/get", "node name '..' is not allowed");
    }

    @Test
    void tooManyOrTooFewSegmentsAreRejectedWithAResult() {
        assertRejectedWithResult("$hw/events/device/a/b/c/twin/update",
                "expected $hw/events/device/<namespace>/<name>/twin/update (8 segments)");
        assertRejectedWithResult("$hw/events/device/twin/update",
                "expected $hw/events/device/<namespace>/<name>/twin/update (5 segments)");
        assertRejectedWithResult("$hw/events/node/a/b/membership/get",
                "expected $hw/events/node/<node>/membership/get (7 segments)");
    }

    @Test
    void unknownSuffixesOfADeviceAreRejectedWithAResultOthersWithout() {
        assertThat(parser.parse("$hw/events/device/ns/d/twin/frobnicate")).isEqualTo(new BusTopic.Rejected(
                "unknown device topic suffix", "$hw/events/device/ns/d/twin/frobnicate/result"));
        assertThat(parser.parse("$hw/events/device/ns/d/state/get")).isEqualTo(new BusTopic.Rejected(
                "unknown device topic suffix", "$hw/events/device/ns/d/state/get/result"));
        assertThat(parser.parse("$hw/events/device")).isEqualTo(new BusTopic.Rejected("unknown device topic suffix", null));
        assertThat(parser.parse("$hw/events/node/n/membership/put"))
                .isEqualTo(new BusTopic.Rejected("unknown node topic suffix", null));
    }

    @Test
    void publicationsAreNotRequests() {
        for (String topic : new String[] {"$hw/events/device/ns/d/twin/update/result",
                "$hw/events/device/ns/d/twin/update/document", "$hw/events/device/ns/d/twin/update/delta",
                "$hw/events/device/ns/d/twin/get/result", "$hw/events/device/d/updated",
                "$hw/events/node/n/membership/updated", "$hw/events/node/n/membership/get/result"}) {
            assertThat(parser.parse(topic)).as(topic).isInstanceOf(BusTopic.Other.class);
        }
    }

    @Test
    void uploadTopics() {
        assertThat(parser.parse("$hw/events/upload/a/b")).isEqualTo(new BusTopic.Upload("$hw/events/upload/a/b"));
        assertThat(parser.parse("$hw/events/upload")).isEqualTo(new BusTopic.Upload("$hw/events/upload"));
        assertThat(parser.parse("SYS/dis/upload_records")).isEqualTo(new BusTopic.Upload("SYS/dis/upload_records"));
        assertThat(parser.parse("app/user/x/y")).isEqualTo(new BusTopic.Upload("app/user/x/y"));
        assertThat(parser.parse("app/user")).isEqualTo(new BusTopic.Upload("app/user"));
        assertThat(parser.parse("$app/user/x")).isInstanceOf(BusTopic.Other.class);
        assertThat(parser.parse("$hw/events/uploadx")).isInstanceOf(BusTopic.Other.class);
        assertThat(parser.parse("plain/topic")).isInstanceOf(BusTopic.Other.class);
    }

    @Test
    void legacyFormOfNamespaceDefaultOnly() {
        assertThat(TopicParser.legacyForm("$hw/events/device/default/thermo/twin/update/document"))
                .isEqualTo("$hw/events/device/thermo/twin/update/document");
        assertThat(TopicParser.legacyForm("$hw/events/device/plant/thermo/twin/update/document")).isNull();
        assertThat(TopicParser.legacyForm("$hw/events/node/default/membership/updated")).isNull();
    }

    @Test
    void subscriptionFiltersWithAndWithoutLegacy() {
        assertThat(TopicParser.subscriptionFilters(false)).containsExactly("$hw/events/device/+/+/twin/+",
                "$hw/events/device/+/+/state/update", "$hw/events/node/+/membership/get", "$hw/events/upload/#",
                "SYS/dis/upload_records", "+/user/#");
        assertThat(TopicParser.subscriptionFilters(true)).contains("$hw/events/device/+/twin/+",
                "$hw/events/device/+/state/update");
    }

    private void assertRejectedWithResult(String topic, String reason) {
        assertThat(parser.parse(topic)).as(topic).isEqualTo(new BusTopic.Rejected(reason, topic + "/result"));
    }
}
