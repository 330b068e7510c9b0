package io.karedge.node.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.api.access.LocalAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's access: its token file, login codes and sessions, hosts, origins and anonymous paths. */
class LocalAccessTest {

    @TempDir
    Path data;

    private LocalAccessComponent access(Clock clock, String... anonymous) throws Exception {
        return new LocalAccessComponent(data.resolve("karedge/api-token"), Set.of("edge-7.plant.example"),
                List.of(anonymous), 60, 600, clock);
    }

    @Test
    void theTokenIsMadeOnceInAFileOnlyTheNodesUserCanReadAndRotationReplacesIt() throws Exception {
        LocalAccessComponent access = access(Clock.systemUTC());
        Path file = access.tokenFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String token = Files.readString(file);
        assertThat(token).hasSizeGreaterThanOrEqualTo(40).matches("[A-Za-z0-9_-]+");
        assertThat(access.acceptsToken(token)).isTrue();
        assertThat(access.acceptsToken(token + "x")).isFalse();
        assertThat(access.acceptsToken("")).isFalse();
        assertThat(access.acceptsToken(null)).isFalse();

        assertThat(Files.readString(access(Clock.systemUTC()).tokenFile())).as("kept at the next start")
                .isEqualTo(token);

        String session = access.redeemLoginCode(access.newLoginCode()).orElseThrow().id();
        access.rotateToken();
        String rotated = Files.readString(file);
        assertThat(rotated).isNotEqualTo(token);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(access.acceptsToken(token)).isFalse();
        assertThat(access.acceptsToken(rotated)).isTrue();
        assertThat(access.acceptsSession(session)).as("sessions end with a rotation").isFalse();

        Files.writeString(file, "written-by-the-operator\n");
        assertThat(access.acceptsToken("written-by-the-operator")).as("the file is read again when it changes")
                .isTrue();
    }

    @Test
    void aLoginCodeWorksOnceAndOnlyWhileFresh() throws Exception {
        Instant[] now = {Instant.parse("2026-12-06T10:00:00Z")};
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        LocalAccessComponent access = access(clock);
        String code = access.newLoginCode();
        LocalAccess.Session session = access.redeemLoginCode(code).orElseThrow();
        assertThat(session.maxAgeSeconds()).isEqualTo(600);
        assertThat(access.acceptsSession(session.id())).isTrue();
        assertThat(access.redeemLoginCode(code)).as("used up").isEmpty();
        assertThat(access.redeemLoginCode("made-up")).isEmpty();

        String late = access.newLoginCode();
        now[0] = now[0].plusSeconds(61);
        assertThat(access.redeemLoginCode(late)).as("expired").isEmpty();
        now[0] = now[0].plusSeconds(600);
        assertThat(access.acceptsSession(session.id())).as("the session expired").isFalse();
    }

    @Test
    void onlyLoopbackAndConfiguredHostsAndOriginsAreServed() throws Exception {
        LocalAccessComponent access = access(Clock.systemUTC(), "/metrics", "/healthz*");
        assertThat(access.hostAllowed("127.0.0.1:8181")).isTrue();
        assertThat(access.hostAllowed("127.1.2.3")).isTrue();
        assertThat(access.hostAllowed("localhost")).isTrue();
        assertThat(access.hostAllowed("[::1]:10550")).isTrue();
        assertThat(access.hostAllowed("EDGE-7.plant.example:8181")).isTrue();
        assertThat(access.hostAllowed(null)).isTrue();
        assertThat(access.hostAllowed("evil.example")).isFalse();
        assertThat(access.hostAllowed("localhost.evil.example")).isFalse();
        assertThat(access.hostAllowed("127.0.0.1.evil.example")).isFalse();

        assertThat(access.originAllowed(null)).isTrue();
        assertThat(access.originAllowed("http://127.0.0.1:8181")).isTrue();
        assertThat(access.originAllowed("https://edge-7.plant.example")).isTrue();
        assertThat(access.originAllowed("http://evil.example")).isFalse();
        assertThat(access.originAllowed("null")).isFalse();
        assertThat(access.originAllowed("file://")).isFalse();

        assertThat(access.anonymousRead("/metrics")).isTrue();
        assertThat(access.anonymousRead("/metrics/x")).isFalse();
        assertThat(access.anonymousRead("/healthz/ready")).isTrue();
        assertThat(access.anonymousRead("/api/v1/secrets")).isFalse();
    }
}
