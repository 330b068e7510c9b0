package io.karedge.api.access;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Service-account tokens the node issues to the pods it runs, for the edge-local Kubernetes API.
 *
 * <p>The pod manager asks for a pod's token when it writes the pod's projected {@code serviceAccountToken}
 * volume (the file Kubernetes clients read as their in-cluster credentials); the Kubernetes API asks who a
 * presented token belongs to. A token names one pod (namespace, name, uid) and its service account; it is
 * random, kept in memory only (a restarted node writes new ones into the volumes, which clients re-read),
 * and is worth nothing once the pod it names is gone from the node's store.
 *
 * @since 1.1
 */
@ProviderType
public interface PodTokens {

    /** @return the token of that pod and service account, made the first time it is asked for */
    String tokenFor(PodIdentity pod);

    /** @return the pod a token was issued to, or empty for a token this node did not issue */
    Optional<PodIdentity> identify(String token);

    /**
     * A pod as its token names it.
     *
     * @param namespace      the pod's namespace
     * @param name           the pod's name
     * @param uid            the pod's {@code metadata.uid}
     * @param serviceAccount the pod's {@code spec.serviceAccountName} ({@code default} when it names none)
     */
    record PodIdentity(String namespace, String name, String uid, String serviceAccount) {
    }
}
