package io.karedge.kube.api.internal;

import io.karedge.test.support.FixedTokenAccess;
import java.net.URI;
import java.net.http.HttpRequest;

/** Requests as the node's user sends them: with its bearer token. */
final class Authorized {

    static final FixedTokenAccess ACCESS = new FixedTokenAccess();

    private Authorized() {
    }

    static HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).header("Authorization", FixedTokenAccess.BEARER);
    }
}
