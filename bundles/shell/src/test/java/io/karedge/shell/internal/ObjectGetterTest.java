package io.karedge.shell.internal;

import static io.karedge.shell.internal.Objects.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.karedge.api.json.KaredgeJson;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ObjectGetterTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    private SimpleMetaStore store;
    private ObjectGetter getter;

    @BeforeEach
    void setUp() {
        store = new SimpleMetaStore();
        getter = new ObjectGetter(store, Clock.fixed(NOW, ZoneOffset.UTC));
        store.put(json("{'apiVersion':'devices.kubeedge.io/v1beta1','kind':'Device','metadata':{'name':'thermo-1',"
                + "'namespace':'default','creationTimestamp':'2025-06-01T11:55:00Z'},'spec':{'deviceModelRef':"
                + "{'name':'thermo-model'},'nodeName':'edge-1','protocol':{'protocolName':'modbus'}}}"),
                "manifest:/etc/manifests/devices.yaml");
        store.put(json("{'apiVersion':'devices.kubeedge.io/v1beta1','kind':'Device','metadata':{'name':'pump',"
                + "'namespace':'plant'},'spec':{'protocol':{'protocolName':'opcua'}}}"), "cloud");
        store.put(json("{'apiVersion':'devices.kubeedge.io/v1beta1','kind':'DeviceModel','metadata':{'name':"
                + "'thermo-model','namespace':'default'},'spec':{'protocol':'modbus','properties':[{'name':'t'},"
                + "{'name':'h'}]}}"), "cloud");
    }

    private ObjectGetter.Output get(String kind, String name, String namespace, boolean all, String output)
            throws GetException {
        return getter.get(new ObjectGetter.Request(kind, name, namespace, all, output));
    }

    @Test
    void listsDevicesOfTheDefaultNamespaceWithTheirColumns() throws GetException {
        ObjectGetter.Output output = get("devices", null, null, false, null);

        assertThat(output.out()).isEqualTo(
                "NAME       PROTOCOL   MODEL          NODE     AGE\n"
                + "thermo-1   modbus     thermo-model   edge-1   5m\n");
        assertThat(output.err()).isEmpty();
    }

    @Test
    void allNamespacesLeadsWithANamespaceColumn() throws GetException {
        String out = get("dev", null, null, true, null).out();

        assertThat(out.lines()).containsExactly(
                "NAMESPACE   NAME       PROTOCOL   MODEL          NODE     AGE",
                "default     thermo-1   modbus     thermo-model   edge-1   5m",
                "plant       pump       opcua      <none>         <none>   <unknown>");
    }

    @Test
    void wideAddsSourceAndResourceVersion() throws GetException {
        String out = get("device", null, "plant", false, "wide").out();

        assertThat(out.lines()).containsExactly(
                "NAME   PROTOCOL   MODEL    NODE     AGE         SOURCE   RV",
                "pump   opcua      <none>   <none>   <unknown>   cloud    2");
    }

    @Test
    void deviceModelsShowProtocolAndPropertyCount() throws GetException {
        assertThat(get("dm", null, null, false, null).out().lines()).containsExactly(
                "NAME           PROTOCOL   PROPERTIES   AGE",
                "thermo-model   modbus     2            <unknown>");
    }

    @Test
    void podsShowReadyStatusAndRestartsFromTheirStatus() throws GetException {
        store.put(json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web','creationTimestamp':"
                + "'2025-06-01T09:00:00Z'},'spec':{'nodeName':'edge-1','containers':[{'name':'a'},{'name':'b'}]},"
                + "'status':{'phase':'Running','podIP':'10.0.0.7','containerStatuses':[{'name':'a','ready':true,"
                + "'restartCount':2},{'name':'b','ready':false,'restartCount':1,'state':{'waiting':{'reason':"
                + "'CrashLoopBackOff'}}}]}}"), "cloud");
        store.put(json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'new'},'spec':{'containers':"
                + "[{'name':'a'}]}}"), "local");

        ObjectGetter.Output output = get("po", null, null, false, "wide");
        assertThat(output.out().lines()).containsExactly(
                "NAME   READY   STATUS             RESTARTS   AGE         IP         NODE     SOURCE   RV",
                "new    0/1     NoPodManager       0          <unknown>   <none>     <none>   local    5",
                "web    1/2     CrashLoopBackOff   3          3h          10.0.0.7   edge-1   cloud    4");
        assertThat(output.err()).isEqualTo(ObjectGetter.NO_POD_MANAGER);
        assertThat(get("po", "new", null, false, "yaml").out()).contains("reason: NoPodManager");
    }

    @Test
    void podsShowThePodManagersLiveStatusWhenItRuns() throws GetException {
        store.put(json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'local'},'spec':{'containers':"
                + "[{'name':'a'}]}}"), "manifest:/etc/manifests/pods.yaml");
        store.put(json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'unknown-to-it'},'spec':{'containers':"
                + "[{'name':'a'}]}}"), "manifest:/etc/manifests/pods.yaml");
        JsonNode live = json("{'phase':'Pending','reason':'RuntimeClassNotFound','containerStatuses':[{'name':'a',"
                + "'ready':false,'restartCount':0,'state':{'waiting':{'reason':'RuntimeClassNotFound'}}}]}");
        PodStatuses running = new PodStatuses() {
            @Override
            public boolean running() {
                return true;
            }

            @Override
            public java.util.Optional<JsonNode> status(String namespace, String name) {
                return name.equals("local") ? java.util.Optional.of(live) : java.util.Optional.empty();
            }
        };
        getter = new ObjectGetter(store, Clock.fixed(NOW, ZoneOffset.UTC), running);

        ObjectGetter.Output output = get("po", null, null, false, null);
        assertThat(output.out().lines()).containsExactly(
                "NAME            READY   STATUS                 RESTARTS   AGE",
                "local           0/1     RuntimeClassNotFound   0          <unknown>",
                "unknown-to-it   0/1     <unknown>              0          <unknown>");
        assertThat(output.err()).isEmpty();
    }

    @Test
    void servicesShowTypeClusterIpAndPorts() throws GetException {
        store.put(json("{'apiVersion':'v1','kind':'Service','metadata':{'name':'web'},'spec':{'type':'NodePort',"
                + "'clusterIP':'10.96.0.10','selector':{'app':'web'},'ports':[{'port':80,'nodePort':30080},"
                + "{'port':53,'protocol':'UDP'}]}}"), "cloud");

        assertThat(get("svc", null, null, false, "wide").out().lines()).containsExactly(
                "NAME   TYPE       CLUSTER-IP   EXTERNAL-IP   PORT(S)               AGE         SELECTOR  "
                        + " SOURCE   RV",
                "web    NodePort   10.96.0.10   <none>        80:30080/TCP,53/UDP   <unknown>   app=web   "
                        + " cloud    4");
    }

    @Test
    void configMapsAndSecretsCountTheirData() throws GetException {
        store.put(json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'cfg'},'data':{'a':'1','b':'2'},"
                + "'binaryData':{'c':'AA=='}}"), "cloud");
        store.put(json("{'apiVersion':'v1','kind':'Secret','metadata':{'name':'creds'},'type':"
                + "'kubernetes.io/basic-auth','data':{'username':'YQ==','password':'Yg=='}}"), "cloud");
        store.put(json("{'apiVersion':'v1','kind':'Secret','metadata':{'name':'plain'}}"), "cloud");

        assertThat(get("cm", null, null, false, null).out().lines()).containsExactly(
                "NAME   DATA   AGE", "cfg    3      <unknown>");
        assertThat(get("secrets", null, null, false, null).out().lines()).containsExactly(
                "NAME    TYPE                       DATA   AGE",
                "creds   kubernetes.io/basic-auth   2      <unknown>",
                "plain   Opaque                     0      <unknown>");
    }

    @Test
    void nodesAreClusterScopedAndIgnoreTheNamespace() throws GetException {
        store.put(json("{'apiVersion':'v1','kind':'Node','metadata':{'name':'edge-1','labels':"
                + "{'node-role.kubernetes.io/edge':''}},'status':{'conditions':[{'type':'Ready','status':'True'}],"
                + "'nodeInfo':{'kubeletVersion':'v1.31.0-kubeedge'}}}"), "cloud");

        assertThat(get("no", null, "somewhere", false, null).out().lines()).containsExactly(
                "NAME     STATUS   ROLES   AGE         VERSION",
                "edge-1   Ready    edge    <unknown>   v1.31.0-kubeedge");
        assertThat(get("nodes", "edge-1", "elsewhere", false, "json").out()).contains("\"name\" : \"edge-1\"");
    }

    @Test
    void endpointsListAddressesLikeKubectl() throws GetException {
        store.put(json("{'apiVersion':'v1','kind':'Endpoints','metadata':{'name':'web'},'subsets':[{'addresses':"
                + "[{'ip':'10.0.0.1'},{'ip':'10.0.0.2'}],'ports':[{'port':80},{'port':443}]}]}"), "cloud");

        assertThat(get("ep", null, null, false, null).out().lines()).containsExactly(
                "NAME   ENDPOINTS                                          AGE",
                "web    10.0.0.1:80,10.0.0.1:443,10.0.0.2:80 + 1 more...   <unknown>");
    }

    @Test
    void oneNamedObjectAsATableRow() throws GetException {
        assertThat(get("devices", "thermo-1", null, false, null).out().lines()).containsExactly(
                "NAME       PROTOCOL   MODEL          NODE     AGE",
                "thermo-1   modbus     thermo-model   edge-1   5m");
    }

    @Test
    void missingObjectIsNotFoundInKubectlWording() {
        assertThatThrownBy(() -> get("po", "ghost", null, false, null))
                .isInstanceOf(GetException.class)
                .hasMessage("Error from server (NotFound): pods \"ghost\" not found");
        assertThatThrownBy(() -> get("dev", "pump", null, false, null))
                .hasMessage("Error from server (NotFound): devices.devices.kubeedge.io \"pump\" not found");
    }

    @Test
    void emptyListSaysSoOnStandardError() throws GetException {
        ObjectGetter.Output inNamespace = get("pods", null, "apps", false, null);
        assertThat(inNamespace.out()).isEmpty();
        assertThat(inNamespace.err()).isEqualTo("No resources found in apps namespace.\n");

        assertThat(get("pods", null, null, true, null).err()).isEqualTo("No resources found\n");
        assertThat(get("nodes", null, null, false, null).err()).isEqualTo("No resources found\n");
    }

    @Test
    void unknownKindAndBadOutputAreErrors() {
        assertThatThrownBy(() -> get("widgets", null, null, false, null))
                .hasMessageContaining("doesn't have a resource type \"widgets\"")
                .hasMessageContaining("known kinds:");
        assertThatThrownBy(() -> get("po", null, null, false, "xml"))
                .hasMessage("error: unable to match a printer suitable for the output format \"xml\", "
                        + "allowed formats are: json, wide, yaml");
    }

    @Test
    void nameAcrossAllNamespacesIsRefused() {
        assertThatThrownBy(() -> get("po", "web", null, true, null))
                .hasMessage("error: a resource cannot be retrieved by name across all namespaces");
    }

    @Test
    void jsonOfOneObjectIsTheObjectAsStored() throws Exception {
        String out = get("dev", "thermo-1", null, false, "json").out();

        JsonNode parsed = KaredgeJson.mapper().readTree(out);
        assertThat(parsed).isEqualTo(store.get(io.karedge.api.meta.ObjectKey.of("Device", "default", "thermo-1"))
                .orElseThrow().object());
        assertThat(out).startsWith("{\n  \"apiVersion\" : \"devices.kubeedge.io/v1beta1\"").endsWith("}\n");
    }

    @Test
    void jsonOfSeveralObjectsIsAV1List() throws Exception {
        JsonNode list = KaredgeJson.mapper().readTree(get("dev", null, null, true, "json").out());

        assertThat(list.path("apiVersion").asText()).isEqualTo("v1");
        assertThat(list.path("kind").asText()).isEqualTo("List");
        assertThat(list.path("metadata").path("resourceVersion").asText()).isEqualTo("3");
        assertThat(list.path("items")).hasSize(2);
        assertThat(list.path("items").get(0).path("metadata").path("name").asText()).isEqualTo("thermo-1");
        assertThat(list.path("items").get(1).path("metadata").path("name").asText()).isEqualTo("pump");
    }

    @Test
    void emptyListAsJsonIsAnEmptyV1List() throws Exception {
        ObjectGetter.Output output = get("pods", null, null, false, "json");
        assertThat(KaredgeJson.mapper().readTree(output.out()).path("items")).isEmpty();
        assertThat(output.err()).isEmpty();
    }

    @Test
    void yamlIsKubectlShaped() throws Exception {
        String one = get("dm", "thermo-model", null, false, "yaml").out();
        assertThat(one).startsWith("apiVersion: devices.kubeedge.io/v1beta1\nkind: DeviceModel\nmetadata:\n"
                + "  name: thermo-model\n");
        assertThat(one).contains("  properties:\n  - name: t\n  - name: h\n");

        String several = get("devices", null, null, true, "yaml").out();
        ObjectMapper yaml = new YAMLMapper();
        JsonNode list = yaml.readTree(several);
        assertThat(several).startsWith("apiVersion: v1\nkind: List\n");
        assertThat(list.path("items")).hasSize(2);
        assertThat(list.path("items").get(1).path("spec").path("protocol").path("protocolName").asText())
                .isEqualTo("opcua");
    }

    @Test
    void yamlKeepsStringsThatLookLikeNumbersOrBooleansAsStrings() throws Exception {
        store.put(json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'cfg'},'data':{'port':'80',"
                + "'debug':'true','ratio':'0.5','empty':'','none':'null'}}"), "cloud");

        String yaml = get("cm", "cfg", null, false, "yaml").out();

        JsonNode data = new YAMLMapper().readTree(yaml).path("data");
        for (String key : new String[] {"port", "debug", "ratio", "empty", "none"}) {
            assertThat(data.path(key).isTextual()).as(key + " in\n" + yaml).isTrue();
        }
        assertThat(data.path("port").asText()).isEqualTo("80");
    }
}
