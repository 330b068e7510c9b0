package io.karedge.twin.internal;

import static io.karedge.twin.internal.DurableTwin.reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.twin.TwinOperation;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinRecord;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinRequest;
import io.karedge.api.twin.TwinStore;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The desired value of one twin property in a random sequence test, and what the twin engine must make of it:
 * random values (mostly within the range 5..30 the DeviceModel gives the INT property, some outside it, some not
 * numbers) written the ways a node is given them (the local API or shell, an MQTT {@code twin/update}, the
 * Device's spec) and a desired value for a read-only property; each answer is checked, and the value the engine
 * accepted last is kept for the test's own checks. The step under way is named before it runs ({@link #last()}),
 * also the test's own steps ({@link #note}), for the failure message. The engine is the {@link DurableTwin}'s of
 * the moment, so the test may restart it between steps.
 */
public final class DesiredOracle {

    private final Random random;
    private final DurableTwin twin;
    private final String device;
    private final String property;
    private final Consumer<String> specWriter;
    private final Duration wait;
    private final Set<String> everAccepted = new HashSet<>();
    private String accepted;
    private String spec;
    private String before;
    private String last = "start";
    private int refused;

    /**
     * @param initial    the desired value of the Device as the test created it (accepted)
     * @param specWriter writes the Device again with another desired value of the property
     */
    public DesiredOracle(Random random, DurableTwin twin, String device, String property, String initial,
                         Consumer<String> specWriter, Duration wait) {
        this.random = random;
        this.twin = twin;
        this.device = device;
        this.property = property;
        this.specWriter = specWriter;
        this.wait = wait;
        this.accepted = initial;
        this.spec = initial;
        this.before = initial;
        everAccepted.add(initial);
    }

    /** A step begins: what is accepted now is the value before it. */
    public void stepBegins() {
        before = accepted;
    }

    /** A step of the test's own (a restart, a device that drops off ...). */
    public void note(String step) {
        last = step;
    }

    /** @return the step under way or done last */
    public String last() {
        return last;
    }

    /** @return the value accepted last */
    public String accepted() {
        return accepted;
    }

    /** @return the value accepted when the step began */
    public String before() {
        return before;
    }

    public Set<String> everAccepted() {
        return Collections.unmodifiableSet(everAccepted);
    }

    /** @return how many values the engine refused so far */
    public int refused() {
        return refused;
    }

    /** A desired value through the local API or the shell. */
    public void edgeWrite(TwinOrigin origin) {
        String value = value();
        last = origin + " " + value;
        expect(reply(twin.engine().setDesired(device, property, value, TwinStore.ANY_VERSION, origin)), value);
    }

    /** A desired value in an MQTT {@code twin/update} with this event id. */
    public void mqttWrite(String eventId) {
        String value = value();
        last = "MQTT " + value;
        ObjectNode message = KaredgeJson.mapper().createObjectNode();
        message.put("event_id", eventId);
        message.putObject("twin").putObject(property).putObject("expected").put("value", value);
        expect(reply(twin.engine().handle(TwinRequest.ofJson(TwinOperation.TWIN_UPDATE, device, message,
                TwinOrigin.MQTT))), value);
    }

    /** The spec's desired value changes (a manifest edit, the local API, the cloud): a new value if valid. */
    public void specWrite() {
        String value = value();
        last = "spec " + value;
        long versionBefore = version();
        specWriter.accept(value);
        if (value.equals(spec)) {
            return;
        }
        spec = value;
        if (allowed(value)) {
            accept(value);
            await().atMost(wait).pollInterval(Duration.ofMillis(1)).until(() -> version() > versionBefore);
        } else {
            refused++;
        }
    }

    /** A desired value of a read-only property, from one of the edge's own origins: refused. */
    public void readOnlyWrite(String readOnlyProperty, String value) {
        last = "read-only write";
        TwinReply reply = reply(twin.engine().setDesired(device, readOnlyProperty, value, TwinStore.ANY_VERSION,
                TwinOrigin.values()[random.nextInt(3) + 3]));
        assertThat(reply.code()).isEqualTo(400);
        refused++;
    }

    /** @return the version of the property's twin (0 without one) */
    public long version() {
        return twin.engine().device(device).map(t -> t.twins().get(property)).map(TwinRecord::version).orElse(0L);
    }

    /** @return the twin's expected value of the property */
    public String expected() {
        return twin.engine().device(device).map(t -> t.twins().get(property))
                .map(r -> r.twin().path("expected").path("value").asText()).orElse(null);
    }

    private String value() {
        int kind = random.nextInt(10);
        if (kind < 7) {
            return Integer.toString(5 + random.nextInt(26));
        }
        if (kind < 9) {
            return Integer.toString(random.nextBoolean() ? random.nextInt(5) : 31 + random.nextInt(70));
        }
        return random.nextBoolean() ? "warm" : "12.5";
    }

    private static boolean allowed(String value) {
        try {
            int number = Integer.parseInt(value);
            return number >= 5 && number <= 30;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private void expect(TwinReply reply, String value) {
        if (allowed(value)) {
            assertThat(reply.code()).as(reply.reason()).isEqualTo(200);
            accept(value);
        } else {
            assertThat(reply.code()).isEqualTo(400);
            refused++;
        }
    }

    private void accept(String value) {
        accepted = value;
        everAccepted.add(value);
    }
}
