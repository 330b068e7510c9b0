package io.karedge.api.meta;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The kinds Karedge knows by name: canonical kind, API version, plural, short names, and whether the
 * kind is namespaced. Other kinds can still be stored (the MetaStore keeps any object with a kind and
 * a name); they are namespaced unless the object says otherwise.
 */
public final class Kinds {

    /** One known kind. */
    public record KindInfo(String kind, String apiVersion, String plural, boolean namespaced,
                           List<String> shortNames) {

        public KindInfo {
            shortNames = List.copyOf(shortNames);
        }

        /** @return the KubeEdge resource type string, as in {@code <ns>/<type>/<name>} */
        public String edgeResourceType() {
            return kind.toLowerCase(Locale.ROOT);
        }
    }

    public static final String POD = "Pod";
    public static final String CONFIG_MAP = "ConfigMap";
    public static final String SECRET = "Secret";
    public static final String SERVICE = "Service";
    public static final String ENDPOINTS = "Endpoints";
    public static final String NODE = "Node";
    public static final String DEVICE = "Device";
    public static final String DEVICE_MODEL = "DeviceModel";

    private static final Map<String, KindInfo> BY_KIND = new LinkedHashMap<>();
    private static final Map<String, KindInfo> BY_ALIAS = new LinkedHashMap<>();

    static {
        add(new KindInfo(POD, "v1", "pods", true, List.of("po")));
        add(new KindInfo(CONFIG_MAP, "v1", "configmaps", true, List.of("cm")));
        add(new KindInfo(SECRET, "v1", "secrets", true, List.of()));
        add(new KindInfo(SERVICE, "v1", "services", true, List.of("svc")));
        add(new KindInfo(ENDPOINTS, "v1", "endpoints", true, List.of("ep")));
        add(new KindInfo(NODE, "v1", "nodes", false, List.of("no")));
        add(new KindInfo(DEVICE, "devices.kubeedge.io/v1beta1", "devices", true, List.of("dev")));
        add(new KindInfo(DEVICE_MODEL, "devices.kubeedge.io/v1beta1", "devicemodels", true, List.of("dm")));
    }

    private Kinds() {
    }

    private static void add(KindInfo info) {
        BY_KIND.put(info.kind(), info);
        BY_ALIAS.put(info.kind().toLowerCase(Locale.ROOT), info);
        BY_ALIAS.put(info.plural(), info);
        for (String shortName : info.shortNames()) {
            BY_ALIAS.put(shortName, info);
        }
    }

    /**
     * Resolves what a user typed: a kind ({@code Pod}), its lower-case form, its plural or a short name
     * ({@code po}), or a plural with an API group ({@code devices.devices.kubeedge.io}).
     */
    public static Optional<KindInfo> resolve(String typed) {
        if (typed == null || typed.isBlank()) {
            return Optional.empty();
        }
        String lower = typed.trim().toLowerCase(Locale.ROOT);
        KindInfo direct = BY_ALIAS.get(lower);
        if (direct != null) {
            return Optional.of(direct);
        }
        int dot = lower.indexOf('.');
        return dot > 0 ? Optional.ofNullable(BY_ALIAS.get(lower.substring(0, dot))) : Optional.empty();
    }

    public static Optional<KindInfo> info(String kind) {
        return Optional.ofNullable(BY_KIND.get(kind));
    }

    /** @return whether objects of this kind carry a namespace (unknown kinds: yes) */
    public static boolean isNamespaced(String kind) {
        KindInfo info = BY_KIND.get(kind);
        return info == null || info.namespaced();
    }

    public static Collection<KindInfo> known() {
        return BY_KIND.values();
    }
}
