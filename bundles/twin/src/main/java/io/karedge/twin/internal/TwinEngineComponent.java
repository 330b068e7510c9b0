package io.karedge.twin.internal;

import io.karedge.api.meta.MetaStore;
import io.karedge.api.node.EdgeNode;
import io.karedge.api.twin.DeviceTwin;
import io.karedge.api.twin.TwinDesiredReply;
import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinListener;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinRequest;
import io.karedge.api.twin.TwinStatistics;
import io.karedge.api.twin.TwinStore;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Registers the {@link TwinEngine}: loads the member devices' twins from the TwinStore, follows the
 * node's Devices in the MetaStore, and tells every {@link TwinListener} service of committed changes.
 * A configuration change reactivates the component: queued requests finish first, then the cache is
 * loaded again from the store.
 */
@Component(service = TwinEngine.class, configurationPid = TwinEngineComponent.PID, immediate = true)
@Designate(ocd = TwinEngineComponent.Config.class)
public final class TwinEngineComponent implements TwinEngine {

    static final String PID = "io.karedge.twin";

    /** Configuration PID {@code io.karedge.twin}. */
    @ObjectClassDefinition(id = PID, name = "Karedge twin engine",
            description = "KubeEdge device-twin semantics on the node's TwinStore.")
    public @interface Config {

        @AttributeDefinition(name = "payload.max.bytes",
                description = "Largest twin request payload in bytes; larger ones are refused with 400.", min = "1")
        long payload_max_bytes() default EngineSettings.DEFAULT_PAYLOAD_MAX_BYTES;

        @AttributeDefinition(name = "workers",
                description = "Threads applying twin requests and waiting for their durable write, shared by all"
                        + " devices; the store commits the writes of waiting workers together.", min = "1")
        int workers() default EngineSettings.DEFAULT_WORKERS;

        @AttributeDefinition(name = "batch.max",
                description = "Most queued requests of one device applied and written in one transaction.",
                min = "1")
        int batch_max() default EngineSettings.DEFAULT_BATCH_MAX;

        @AttributeDefinition(name = "properties.max",
                description = "Most twin properties one device may have; an edge request (REST, MQTT twin/update)"
                        + " that would add more is refused with 400. The cloud's own updates are not limited.",
                min = "1")
        int properties_max() default EngineSettings.DEFAULT_PROPERTIES_MAX;
    }

    private final DeviceTwinEngine engine;
    private final MembershipWatcher membership;

    @Activate
    public TwinEngineComponent(@Reference(name = "twinStore") TwinStore twinStore,
                               @Reference(name = "metaStore") MetaStore metaStore,
                               @Reference(name = "node") EdgeNode node, Config config) {
        EngineSettings settings = new EngineSettings(config.payload_max_bytes(), config.workers(), config.batch_max(),
                config.properties_max());
        this.engine = new DeviceTwinEngine(twinStore, node.nodeName(), settings, Clock.systemUTC(),
                new StoredModels(metaStore));
        this.membership = new MembershipWatcher(metaStore, engine, node.nodeName());
        engine.memberLookup(membership::lookup);
        membership.start();
    }

    @Reference(name = "listener", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(TwinListener listener) {
        engine.addListener(listener);
    }

    void removeListener(TwinListener listener) {
        engine.removeListener(listener);
    }

    @Deactivate
    void deactivate() {
        membership.close();
        engine.close();
    }

    @Override
    public CompletionStage<TwinReply> handle(TwinRequest request) {
        return engine.handle(request);
    }

    @Override
    public CompletionStage<TwinReply> setDesired(String deviceId, String property, String value, long expectedVersion,
                                                 TwinOrigin origin) {
        return engine.setDesired(deviceId, property, value, expectedVersion, origin);
    }

    @Override
    public CompletionStage<TwinDesiredReply> setDesired(String deviceId, Map<String, String> values,
                                                        Map<String, Long> expectedVersions, TwinOrigin origin) {
        return engine.setDesired(deviceId, values, expectedVersions, origin);
    }

    @Override
    public Optional<DeviceTwin> device(String deviceId) {
        return engine.device(deviceId);
    }

    @Override
    public Set<String> members() {
        return engine.members();
    }

    @Override
    public TwinStatistics statistics() {
        return engine.statistics();
    }
}
