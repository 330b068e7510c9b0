package io.karedge.eventbus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AclFileTest {

    private final AclFile acl = AclFile.parse(List.of(
            "# anonymous clients",
            "topic read public/#",
            "",
            "user app",
            "topic readwrite $hw/events/device/+/+/twin/update",
            "topic read $hw/events/device/+/+/twin/update/#",
            "topic deny $hw/events/device/secret/+/twin/update",
            "user mapper",
            "topic write sensors/%u/raw",
            "pattern write devices/%c/#",
            "pattern read users/%u/#"), "test.acl");

    @Test
    void userRulesGrantWhatTheySayAndNothingElse() {
        assertThat(acl.canWrite("app", "c1", "$hw/events/device/ns/d/twin/update")).isTrue();
        assertThat(acl.canWrite("app", "c1", "$hw/events/device/ns/d/twin/get")).isFalse();
        assertThat(acl.canRead("app", "c1", "$hw/events/device/ns/d/twin/update/result")).isTrue();
        assertThat(acl.canRead("app", "c1", "$hw/events/device/+/+/twin/update/#")).isTrue();
        assertThat(acl.canRead("app", "c1", "$hw/events/#")).isFalse();
        assertThat(acl.canWrite("nobody", "c1", "public/x")).isFalse();
    }

    @Test
    void denyWinsOverAGrant() {
        assertThat(acl.canWrite("app", "c1", "$hw/events/device/secret/d/twin/update")).isFalse();
        assertThat(acl.canRead("app", "c1", "$hw/events/device/secret/d/twin/update")).isFalse();
    }

    @Test
    void rulesBeforeAnyUserLineAreForAnonymousClients() {
        assertThat(acl.canRead(null, "c1", "public/a/b")).isTrue();
        assertThat(acl.canWrite(null, "c1", "public/a")).isFalse();
        assertThat(acl.canRead("app", "c1", "public/a")).isFalse();
    }

    @Test
    void patternsApplyToEveryClientWithTheirNameAndClientId() {
        assertThat(acl.canWrite("app", "dev-7", "devices/dev-7/state")).isTrue();
        assertThat(acl.canWrite("app", "dev-7", "devices/dev-8/state")).isFalse();
        assertThat(acl.canWrite(null, "dev-7", "devices/dev-7/state")).isTrue();
        assertThat(acl.canRead("app", "c", "users/app/inbox")).isTrue();
        assertThat(acl.canRead(null, "c", "users//inbox")).isFalse();
        // %u in a topic line is not substituted (only pattern lines are)
        assertThat(acl.canWrite("mapper", "c", "sensors/mapper/raw")).isFalse();
    }

    @Test
    void coversComparesFiltersLevelByLevel() {
        assertThat(AclFile.covers("a/#", "a")).isTrue();
        assertThat(AclFile.covers("a/#", "a/+/c")).isTrue();
        assertThat(AclFile.covers("a/+", "a/#")).isFalse();
        assertThat(AclFile.covers("a/+", "a/+")).isTrue();
        assertThat(AclFile.covers("#", "$SYS/x")).isFalse();
        assertThat(AclFile.covers("+/x", "$a/x")).isFalse();
        assertThat(AclFile.covers("a/b", "a/b/c")).isFalse();
    }

    @Test
    void badLinesAreClearErrorsWithTheirLineNumber() {
        assertThatThrownBy(() -> AclFile.parse(List.of("user a", "topic read a/#/b"), "x.acl"))
                .hasMessage("x.acl line 2: 'a/#/b' is not a topic filter");
        assertThatThrownBy(() -> AclFile.parse(List.of("allow all"), "x.acl"))
                .hasMessageContaining("line 1: unknown keyword 'allow'");
        assertThatThrownBy(() -> AclFile.parse(List.of("user"), "x.acl")).hasMessageContaining("needs a value");
    }
}
