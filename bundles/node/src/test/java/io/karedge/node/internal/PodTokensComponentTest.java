package io.karedge.node.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.api.access.PodTokens.PodIdentity;
import org.junit.jupiter.api.Test;

class PodTokensComponentTest {

    private final PodTokensComponent tokens = new PodTokensComponent();
    private final PodIdentity web = new PodIdentity("app", "web", "uid-1", "default");

    @Test
    void aPodKeepsItsTokenAndTheTokenNamesThePod() {
        String token = tokens.tokenFor(web);
        assertThat(token).startsWith(PodTokensComponent.PREFIX).hasSizeGreaterThan(40);
        assertThat(tokens.tokenFor(new PodIdentity("app", "web", "uid-1", "default"))).isEqualTo(token);
        assertThat(tokens.identify(token)).contains(web);
    }

    @Test
    void anotherPodOrServiceAccountGetsAnotherTokenAndStrangersNone() {
        String token = tokens.tokenFor(web);
        assertThat(tokens.tokenFor(new PodIdentity("app", "web", "uid-2", "default"))).isNotEqualTo(token);
        assertThat(tokens.tokenFor(new PodIdentity("app", "web", "uid-1", "reader"))).isNotEqualTo(token);
        assertThat(tokens.identify(token + "x")).isEmpty();
        assertThat(tokens.identify(PodTokensComponent.PREFIX + "guess")).isEmpty();
        assertThat(tokens.identify("eyJhbGciOiJSUzI1NiJ9.e30.sig")).isEmpty();
        assertThat(tokens.identify(null)).isEmpty();
    }
}
