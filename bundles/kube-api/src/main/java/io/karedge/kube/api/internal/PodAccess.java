package io.karedge.kube.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.access.PodTokens;
import io.karedge.api.access.PodTokens.PodIdentity;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.StoredObject;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What a pod may do with the service-account token the node wrote into its projected volume.
 *
 * <p>As EdgeCore's MetaServer with {@code requireAuthorization}, the token must be one the node holds and must
 * match a pod in the node's store: the pod it names, with the same uid and service account (a token of a pod
 * that was deleted or re-created is worth nothing). Where the MetaServer then applies the RBAC rules the
 * cloud sends for that service account, this node has none, so the rule is fixed: reads (get, list, watch)
 * of the pod's own namespace, Secrets excepted (a pod gets its Secrets through volumes and environment), and
 * discovery. Everything else is a 403.
 */
final class PodAccess {

    private static final Set<String> READS = Set.of("GET", "HEAD");
    private static final Set<String> DISCOVERY = Set.of("", "api", "apis", "version", "openapi", "healthz", "livez",
            "readyz");

    private final Supplier<PodTokens> tokens;
    private final MetaStore store;

    PodAccess(Supplier<PodTokens> tokens, MetaStore store) {
        this.tokens = tokens;
        this.store = store;
    }

    /**
     * @return {@code true} when the token is a pod's and the request is within its rule; {@code false} when the
     *         token is not one of a pod on this node (the caller answers 401)
     * @throws KubeStatusException 403 for a pod's request beyond its rule
     */
    boolean authorize(String token, String method, String rawPath) throws KubeStatusException {
        PodTokens issuer = tokens.get();
        Optional<PodIdentity> identity = issuer == null ? Optional.empty() : issuer.identify(token);
        if (identity.isEmpty() || !podStillMatches(identity.get())) {
            return false;
        }
        PodIdentity pod = identity.get();
        String user = "system:serviceaccount:" + pod.namespace() + ":" + pod.serviceAccount();
        if (!READS.contains(method)) {
            throw forbidden(user, "may only read (get, list, watch) through the node's API");
        }
        List<String> segments = List.of(rawPath.replaceAll("^/+", "").split("/"));
        String first = segments.get(0);
        boolean resourcePath = (first.equals("api") && segments.size() > 2)
                || (first.equals("apis") && segments.size() > 3);
        if (!resourcePath) {
            if (DISCOVERY.contains(first)) {
                return true;
            }
            throw forbidden(user, "may not read " + Query.abbreviate(rawPath));
        }
        List<String> rest = segments.subList(first.equals("api") ? 2 : 3, segments.size());
        if (!rest.get(0).equals("namespaces") || rest.size() < 2 || !rest.get(1).equals(pod.namespace())) {
            throw forbidden(user, "may read only namespace \"" + pod.namespace() + "\"");
        }
        if (rest.size() > 2 && rest.get(2).equals("secrets")) {
            throw forbidden(user, "may not read secrets through the node's API");
        }
        return true;
    }

    private boolean podStillMatches(PodIdentity pod) {
        Optional<StoredObject> stored = store.get(ObjectKey.of(Kinds.POD, pod.namespace(), pod.name()));
        if (stored.isEmpty()) {
            return false;
        }
        JsonNode object = stored.get().object();
        String account = object.path("spec").path("serviceAccountName").asText("");
        return pod.uid() != null && pod.uid().equals(object.path("metadata").path("uid").asText(null))
                && pod.serviceAccount().equals(account.isEmpty() ? "default" : account);
    }

    private static KubeStatusException forbidden(String user, String why) {
        return new KubeStatusException(403, "Forbidden", "User \"" + user + "\" " + why);
    }
}
