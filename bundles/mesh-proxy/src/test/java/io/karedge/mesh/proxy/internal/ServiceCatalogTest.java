package io.karedge.mesh.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.ObjectKey;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class ServiceCatalogTest {

    final ServiceCatalog catalog = new ServiceCatalog("node-1");

    private void put(String json) throws IOException {
        ObjectNode object = (ObjectNode) KaredgeJson.mapper().readTree(json.replace('\'', '"'));
        ObjectKey key = ObjectKey.of(object.path("kind").asText(), object.path("metadata").path("namespace").asText(),
                object.path("metadata").path("name").asText());
        catalog.put(key, object);
    }

    @Test
    void mergesEndpointsAndHostNetworkPodsWithoutDuplicates() throws IOException {
        put("{'kind':'Service','metadata':{'namespace':'default','name':'web'},'spec':{'selector':{'app':'web'},"
                + "'ports':[{'name':'http','port':80,'targetPort':'http'},{'name':'admin','port':81,'targetPort':9091}]}}");
        put("{'kind':'Endpoints','metadata':{'namespace':'default','name':'web'},'subsets':[{"
                + "'addresses':[{'ip':'127.0.0.5'},{'ip':'127.0.0.5'},{'ip':'127.0.0.6','targetRef':{'kind':'Pod','name':'local'}}],"
                + "'ports':[{'name':'http','port':8080},{'name':'admin','port':9091}]}]}");
        put("{'kind':'Pod','metadata':{'namespace':'default','name':'local','labels':{'app':'web','tier':'x'}},"
                + "'spec':{'nodeName':'node-1','hostNetwork':true,'containers':[{'ports':[{'name':'http','containerPort':8081}]}]}}");
        put("{'kind':'Pod','metadata':{'namespace':'default','name':'elsewhere','labels':{'app':'web'}},"
                + "'spec':{'nodeName':'node-2','hostNetwork':true,'containers':[{'ports':[{'name':'http','containerPort':8082}]}]}}");
        put("{'kind':'Pod','metadata':{'namespace':'default','name':'not-host','labels':{'app':'web'}},"
                + "'spec':{'nodeName':'node-1','containers':[{'ports':[{'name':'http','containerPort':8083}]}]}}");

        ServicePlan plan = catalog.plans().get(0);

        assertThat(plan.policy()).isEqualTo(Policy.ROUND_ROBIN);
        assertThat(plan.ports()).extracting(ServicePlan.PortPlan::port).containsExactly(80, 81);
        assertThat(plan.ports().get(0).targets()).extracting(Target::id, Target::source).containsExactly(
                org.assertj.core.groups.Tuple.tuple("127.0.0.5:8080", Target.FROM_ENDPOINTS),
                org.assertj.core.groups.Tuple.tuple("127.0.0.1:8081", Target.FROM_HOST_POD));
        assertThat(plan.ports().get(1).targets()).extracting(Target::id)
                .containsExactly("127.0.0.5:9091", "127.0.0.1:9091");
    }

    @Test
    void headlessAndLabelledServicesAreSkipped() throws IOException {
        put("{'kind':'Service','metadata':{'namespace':'default','name':'headless'},'spec':{'clusterIP':'None','ports':[{'port':80}]}}");
        put("{'kind':'Service','metadata':{'namespace':'default','name':'other','labels':{'"
                + ServiceCatalog.SKIP_LABEL + "':'x'}},'spec':{'ports':[{'port':80}]}}");
        put("{'kind':'Service','metadata':{'namespace':'default','name':'kept'},'spec':{'ports':[{'port':80}]}}");

        assertThat(catalog.plans()).extracting(ServicePlan::name).containsExactly("kept");
    }

    @Test
    void policiesFollowTheDestinationRule() throws IOException {
        assertThat(policy("{'simple':'RANDOM'}")).isEqualTo("RANDOM/DestinationRule");
        assertThat(policy("{'simple':'ROUND_ROBIN'}")).isEqualTo("ROUND_ROBIN/DestinationRule");
        assertThat(policy("{'consistentHash':{'useSourceIp':true}}")).isEqualTo("CONSISTENT_HASH_SOURCE_IP/DestinationRule");
        assertThat(policy("{'simple':'LEAST_CONN'}")).isEqualTo("ROUND_ROBIN/default (unsupported: LEAST_CONN)");
        assertThat(policy("{'consistentHash':{'httpHeaderName':'x-user'}}"))
                .isEqualTo("ROUND_ROBIN/default (unsupported: consistentHash.httpHeaderName)");
    }

    private String policy(String loadBalancer) throws IOException {
        put("{'kind':'Service','metadata':{'namespace':'default','name':'web'},'spec':{'ports':[{'port':80}]}}");
        put("{'kind':'DestinationRule','metadata':{'namespace':'default','name':'web'},'spec':{'trafficPolicy':{'loadBalancer':"
                + loadBalancer + "}}}");
        ServicePlan plan = catalog.plans().get(0);
        return plan.policy() + "/" + plan.policySource();
    }

    @Test
    void sessionAffinityClientIpHashesOnTheSource() throws IOException {
        put("{'kind':'Service','metadata':{'namespace':'default','name':'web'},'spec':{'sessionAffinity':'ClientIP','ports':[{'port':80}]}}");
        assertThat(catalog.plans()).extracting(ServicePlan::policy).containsExactly(Policy.CONSISTENT_HASH_SOURCE_IP);
        catalog.remove(ObjectKey.of("Service", "default", "web"));
        assertThat(catalog.plans()).isEmpty();
    }

    @Test
    void exportsOnlyThisNodesEndpointsAndItsHostNetworkPodsOnLoopback() throws IOException {
        put("{'kind':'Service','metadata':{'namespace':'default','name':'web'},'spec':{'selector':{'app':'web'},"
                + "'ports':[{'name':'http','port':80}]}}");
        put("{'kind':'Endpoints','metadata':{'namespace':'default','name':'web'},'subsets':[{"
                + "'addresses':[{'ip':'10.0.0.5','nodeName':'node-1'},{'ip':'10.0.0.6','nodeName':'node-2'},"
                + "{'ip':'192.168.1.10','nodeName':'node-1','targetRef':{'kind':'Pod','name':'host'}},{'ip':'10.0.0.7'}],"
                + "'ports':[{'name':'http','port':8080}]}]}");
        put("{'kind':'Pod','metadata':{'namespace':'default','name':'host','labels':{'app':'web'}},"
                + "'spec':{'nodeName':'node-1','hostNetwork':true}}");

        TunnelExports exports = catalog.exports();

        assertThat(exports.endpoints()).hasSize(2);
        assertThat(exports.lookup("TCP", "default", "web", 80, "10.0.0.5", 8080)).hasToString("/10.0.0.5:8080");
        assertThat(exports.lookup("TCP", "default", "web", 80, "192.168.1.10", 8080)).hasToString("/127.0.0.1:8080");
        assertThat(exports.lookup("TCP", "default", "web", 80, "10.0.0.6", 8080)).isNull();
        assertThat(exports.lookup("TCP", "default", "web", 80, "10.0.0.7", 8080)).isNull();
        assertThat(exports.lookup("TCP", "default", "web", 81, "10.0.0.5", 8080)).isNull();
        assertThat(exports.lookup("UDP", "default", "web", 80, "10.0.0.5", 8080)).isNull();
        assertThat(catalog.plans().get(0).ports().get(0).targets()).extracting(Target::id, Target::node)
                .contains(org.assertj.core.groups.Tuple.tuple("10.0.0.6:8080", "node-2"));
    }
}
