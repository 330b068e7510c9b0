package io.karedge.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser: a node started as a process from the built distribution (its own
 * ports), Debian's headless Chromium driven by Selenium through Debian's chromedriver (nothing is
 * downloaded). Skipped when Chromium or chromedriver is not installed. Leaves target/dashboard.png (1920 px
 * wide) and target/dashboard-phone.png (390 px). The charts are checked by what they drew: the points in the
 * page's uPlot instances and the pixels of their lines on the canvas.
 */
public class DashboardBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static Path node;
    private static Process karaf;
    private static int httpPort;
    private static int mqttPort;
    private static WebDriver browser;
    private static Path profile;

    @BeforeClass
    public static void startNodeAndBrowser() throws Exception {
        assumeTrue("Debian's chromium is not installed", Files.isExecutable(CHROMIUM));
        assumeTrue("Debian's chromium-driver is not installed", Files.isExecutable(CHROMEDRIVER));
        node = Files.createDirectories(Path.of("target", "dashboard-node")).toAbsolutePath();
        deleteTree(node);
        Files.createDirectories(node);
        run(node, "tar", "-xzf", System.getProperty("karedge.distribution"), "-C", node.toString(),
                "--strip-components=1");
        httpPort = freePort();
        mqttPort = freePort();
        Path web = node.resolve("etc/org.ops4j.pax.web.cfg");
        Files.writeString(web, Files.readString(web).replaceAll("(?m)^org.osgi.service.http.port\\s*=.*$",
                "org.osgi.service.http.port = " + httpPort));
        // its MQTT app connects without a user name
        Files.writeString(node.resolve("etc/io.karedge.eventbus.cfg"), "port = " + mqttPort + "\nallow.anonymous = true\n");
        // the mesh proxy runs too (without DNS), its tunnel off until meshPeersPanelShowsTheTunnelsPeers turns it on
        Path features = node.resolve("etc/org.apache.karaf.features.cfg");
        Files.writeString(features, Files.readString(features).replaceFirst("karedge-core/([^,\\s]+),",
                "karedge-core/$1, karedge-mesh-proxy/$1,"));
        Files.writeString(node.resolve("etc/io.karedge.mesh.proxy.cfg"), "dns.enabled = false\n");
        Path shell = node.resolve("etc/org.apache.karaf.shell.cfg");
        Files.writeString(shell, Files.readString(shell).replaceAll("(?m)^sshPort\\s*=.*$", "sshPort = " + freePort()));
        karaf = new ProcessBuilder(node.resolve("bin/karaf").toString(), "server")
                .directory(node.toFile()).redirectErrorStream(true)
                .redirectOutput(node.resolve("console.out").toFile()).start();
        await("node answers on " + httpPort, Duration.ofSeconds(120),
                () -> get("/api/v1/twins").path("devices").has("default/thermometer-01"));
        await("dashboard served", Duration.ofSeconds(30), () -> status("/ui/") == 200);
        assertEquals("the dashboard is closed to a browser without a session", 401, anonymousStatus("/ui/"));

        profile = Files.createTempDirectory("karedge-chromium-");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,1400");
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logging);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        // logged in by a one-time link, as edge:dashboard-link prints it; the cookie it sets carries the session
        browser.get("http://127.0.0.1:" + httpPort + loginLink());
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.getCurrentUrl().endsWith("/ui/"));
    }

    @AfterClass
    public static void stopBrowserAndNode() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (karaf != null) {
            karaf.toHandle().descendants().forEach(ProcessHandle::destroy);
            karaf.destroy();
            if (!karaf.waitFor(30, TimeUnit.SECONDS)) {
                karaf.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                karaf.destroyForcibly();
            }
        }
        if (profile != null) {
            deleteTree(profile);
        }
    }

    @Test
    public void dashboardShowsTheNodeLiveAndSetsADesiredValue() throws Exception {
        browser.get("http://127.0.0.1:" + httpPort + "/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.until(d -> d.getCurrentUrl().endsWith("/ui/"));
        for (String device : new String[] {"thermometer-01", "thermometer-02", "counter-01"}) {
            wait.until(d -> !d.findElements(By.id("dev-default-" + device)).isEmpty());
        }
        wait.until(d -> d.findElement(By.id("live")).getText().equals("live"));
        wait.until(d -> d.findElement(By.id("health")).getText().equals("healthy"));

        // a KubeEdge app reports a value over MQTT: the page shows it within 2 s
        String reported = "it-" + System.nanoTime();
        long sentAt;
        MqttClient app = new MqttClient("tcp://127.0.0.1:" + mqttPort, "dashboard-it", new MemoryPersistence());
        try {
            MqttConnectOptions connect = new MqttConnectOptions();
            connect.setCleanSession(true);
            app.connect(connect);
            MqttMessage update = new MqttMessage(("{\"event_id\":\"dash-1\",\"timestamp\":1,\"twin\":{\"note\":"
                    + "{\"actual\":{\"value\":\"" + reported + "\"}}}}").getBytes(StandardCharsets.UTF_8));
            update.setQos(1);
            app.publish("$hw/events/device/default/counter-01/twin/update", update);
            sentAt = System.nanoTime();
        } finally {
            app.disconnect();
            app.close();
        }
        new WebDriverWait(browser, Duration.ofSeconds(2), Duration.ofMillis(50)).until(d -> reported.equals(
                text(d, "#dev-default-counter-01 .prop[data-prop='note'] [data-role='actual']")));
        long shownAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt);
        assertTrue("shown after " + shownAfterMs + " ms", shownAfterMs <= 2000);
        System.out.println("dashboard: MQTT twin update shown on the page after " + shownAfterMs + " ms");
        // a text property's changes are a timeline: the new value is its latest change
        new WebDriverWait(browser, Duration.ofSeconds(2), Duration.ofMillis(50)).until(d -> text(d,
                "#dev-default-counter-01 .prop[data-prop='note'] .timeline .changes li").endsWith(reported));

        // the temperature (a number the virtual device reports every second) is a line chart with drawn points
        WebElement temperature = browser.findElement(
                By.cssSelector("#dev-default-thermometer-01 .prop[data-prop='temperature'] .history"));
        new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(200)).until(d -> drawn(temperature)[0] >= 3);
        long[] temperatureDrawn = drawn(temperature);
        assertTrue("pixels of the temperature line: " + temperatureDrawn[1], temperatureDrawn[1] > 20);
        System.out.println("dashboard: temperature chart drew " + temperatureDrawn[0] + " points, "
                + temperatureDrawn[1] + " pixels of its line");

        // a property the model makes ReadOnly has no "set" form
        wait.until(d -> !d.findElement(By.cssSelector("#dev-default-thermometer-01 form[data-prop='temperature']"))
                .isDisplayed());
        // set a desired value on the page: the twin takes it and the virtual device follows
        WebElement form = browser.findElement(By.cssSelector("#dev-default-thermometer-01 form[data-prop='setpoint']"));
        WebElement input = form.findElement(By.name("value"));
        input.clear();
        input.sendKeys("24.5");
        WebElement setpointChart = browser.findElement(
                By.cssSelector("#dev-default-thermometer-01 .prop[data-prop='setpoint'] [data-role='chart']"));
        long clickedAt = System.nanoTime();
        form.findElement(By.tagName("button")).click();
        // the desired value is on the property's chart (its step line) within a second of the click
        new WebDriverWait(browser, Duration.ofSeconds(5), Duration.ofMillis(25)).until(d -> Boolean.TRUE.equals(
                ((JavascriptExecutor) d).executeScript(LAST_DESIRED_IS, setpointChart, 24.5)));
        long chartedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - clickedAt);
        System.out.println("dashboard: desired value set on the page drawn on its chart after " + chartedAfterMs + " ms");
        assertTrue("desired value on its chart after " + chartedAfterMs + " ms", chartedAfterMs <= 1000);
        wait.until(d -> d.findElement(By.id("twin-message")).getText().contains("setpoint set to 24.5"));
        await("desired value stored", Duration.ofSeconds(10), () -> "24.5".equals(
                twinValue("thermometer-01", "setpoint", "expected")));
        await("virtual device follows", Duration.ofSeconds(20), () -> "24.5".equals(
                twinValue("thermometer-01", "setpoint", "actual")));
        wait.until(d -> "24.5".equals(
                text(d, "#dev-default-thermometer-01 .prop[data-prop='setpoint'] [data-role='actual']")));
        // the node kept the values: its history has the desired value set from the page and the device's
        // reported value that followed it, for a caller with the token only
        JsonNode history = get("/api/v1/namespaces/default/devices/thermometer-01/history?property=setpoint&since=600s");
        String points = history.path("properties").path("setpoint").path("points").toString();
        assertTrue(history.toString(), points.contains(",24.5]") && points.contains(",24.5,24.5]"));
        assertEquals(401, anonymousStatus("/api/v1/namespaces/default/devices/thermometer-01/history"));

        // someone else changes the value while the operator is typing: the page's write is refused (409)
        WebElement stale = browser.findElement(By.cssSelector("#dev-default-thermometer-01 form[data-prop='setpoint']"));
        stale.findElement(By.name("value")).click();
        httpPut("/api/v1/namespaces/default/devices/thermometer-01/twin", "{\"desired\":{\"setpoint\":\"22\"}}");
        wait.until(d -> "22".equals(
                text(d, "#dev-default-thermometer-01 .prop[data-prop='setpoint'] [data-role='expected']")));
        stale.findElement(By.name("value")).sendKeys("23");
        stale.findElement(By.tagName("button")).click();
        wait.until(d -> d.findElement(By.id("twin-message")).getText().startsWith("conflict"));
        assertEquals("22", twinValue("thermometer-01", "setpoint", "expected"));


        // the rates panel has drawn from /metrics: twin updates per second (the virtual devices report every
        // second) and the twin write latency, with points on their lines
        WebElement updatesChart = browser.findElement(By.xpath(
                "//figure[contains(@class,'chart')][.//span[@class='label' and text()='Twin updates applied']]"));
        WebElement latencyChart = browser.findElement(By.xpath(
                "//figure[contains(@class,'chart')][.//span[@class='label' and text()='Twin write latency']]"));
        new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(250)).until(d ->
                drawn(updatesChart)[0] >= 2 && drawn(latencyChart)[0] >= 2);
        assertTrue(updatesChart.getText(), updatesChart.getText().contains("updates/s"));
        assertTrue(latencyChart.getText(), latencyChart.getText().contains("ms"));

        // a wide screen: the sections use its width
        browser.manage().window().setSize(new Dimension(1920, 1400));
        new WebDriverWait(browser, Duration.ofSeconds(5)).until(d -> ((Number) ((JavascriptExecutor) d).executeScript(
                "return document.getElementById('rates-section').getBoundingClientRect().width")).doubleValue() > 1500);
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
        Thread.sleep(300); // the charts follow their boxes' new width on the next frame
        Files.write(Path.of("target", "dashboard.png"), ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
        assertNoConsoleErrors();
        // the page's weight: its own files as the browser loaded them (no compression on the node's port)
        Number pageBytes = (Number) ((JavascriptExecutor) browser).executeScript(String.join("\n",
                "const files = [performance.getEntriesByType('navigation')[0],",
                "  ...performance.getEntriesByType('resource')].filter((e) => new URL(e.name).pathname.startsWith('/ui/'));",
                "return files.reduce((sum, e) => sum + e.encodedBodySize, 0);"));
        System.out.println("dashboard: page weight " + pageBytes + " bytes (/ui/ files)");
        assertTrue("page weight " + pageBytes, pageBytes.longValue() > 50_000 && pageBytes.longValue() < 200_000);

        // opened again, the page shows the property's past at once, from the node's history
        browser.navigate().refresh();
        WebElement reopened = new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElement(
                By.cssSelector("#dev-default-thermometer-01 .prop[data-prop='temperature'] .history")));
        new WebDriverWait(browser, Duration.ofSeconds(10), Duration.ofMillis(100)).until(d -> drawn(reopened)[0] >= 3);
        Number pastSeconds = (Number) ((JavascriptExecutor) browser).executeScript(
                "return performance.timeOrigin / 1000 - arguments[0].chart.data[0][0]", reopened);
        assertTrue("the chart starts " + pastSeconds + " s before the page opened", pastSeconds.doubleValue() > 5);

        // a phone-sized screen: one column, nothing wider than the screen, the forms still usable
        browser.manage().window().setSize(new Dimension(390, 844));
        browser.navigate().refresh();
        wait.until(d -> !d.findElements(By.id("dev-default-thermometer-02")).isEmpty());
        wait.until(d -> d.findElement(By.id("live")).getText().equals("live"));
        long viewport = (Long) ((JavascriptExecutor) browser).executeScript("return window.innerWidth");
        long page = (Long) ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth");
        assertTrue("the page is " + page + " px wide on a " + viewport + " px screen", page <= viewport);
        // words in table cells stay whole ("virtua l" was a driver's protocol on a phone); only the cells of
        // long identifiers (class id) may break anywhere
        wait.until(d -> d.findElement(By.cssSelector("#drivers tbody")).getText().contains("virtual"));
        String brokenWords = (String) ((JavascriptExecutor) browser).executeScript(SPLIT_WORDS);
        assertEquals("words split across lines in table cells", "", brokenWords);
        WebElement phoneForm = browser.findElement(
                By.cssSelector("#dev-default-thermometer-02 form[data-prop='setpoint']"));
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'})", phoneForm);
        phoneForm.findElement(By.name("value")).sendKeys("19.5");
        phoneForm.findElement(By.tagName("button")).click();
        wait.until(d -> d.findElement(By.id("twin-message")).getText().contains("setpoint set to 19.5"));
        await("desired value stored from the phone-sized page", Duration.ofSeconds(10), () -> "19.5".equals(
                twinValue("thermometer-02", "setpoint", "expected")));
        // the charts fit the phone's width and still draw
        WebElement phoneChart = browser.findElement(
                By.cssSelector("#dev-default-thermometer-02 .prop[data-prop='temperature'] .history"));
        new WebDriverWait(browser, Duration.ofSeconds(10), Duration.ofMillis(100)).until(d -> drawn(phoneChart)[0] >= 3);
        long chartWidth = (Long) ((JavascriptExecutor) browser).executeScript(
                "return Math.ceil(arguments[0].chart.over.getBoundingClientRect().right)", phoneChart);
        assertTrue("a chart ends at " + chartWidth + " px on a " + viewport + " px screen", chartWidth <= viewport);
        new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(250)).until(d -> drawn(d.findElement(By.xpath(
                "//figure[contains(@class,'chart')][.//span[@class='label' and text()='Twin updates applied']]")))[0] >= 2);
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
        Files.write(Path.of("target", "dashboard-phone.png"), ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
        assertNoConsoleErrors();
    }

    @Test
    public void meshPeersPanelShowsTheTunnelsPeers() throws Exception {
        browser.get("http://127.0.0.1:" + httpPort + "/ui/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        // the mesh runs, its tunnel is off: an empty list, said in words
        assertEquals("{\"peers\":[]}", get("/api/v1/mesh/peers").toString());
        wait.until(d -> text(d, "#peers tbody").contains("no peers"));

        // the tunnel on (certificates for this node's name from a CA of the test), with a static peer that does not
        // answer: the panel lists it on its next refresh, as the REST API has it
        String nodeName = get("/api/v1/status").path("nodeName").asText();
        Path certificates = Files.createDirectories(node.resolve("tunnel-certificates"));
        NodeCertificates.ca(certificates);
        NodeCertificates.node(certificates, "node", nodeName);
        Files.writeString(node.resolve("etc/io.karedge.mesh.proxy.cfg"), String.join("\n", "dns.enabled = false",
                "tunnel.port = " + freePort(), "tunnel.address = 127.0.0.1",
                "tunnel.ca = " + certificates.resolve("ca.crt"), "tunnel.cert = " + certificates.resolve("node.crt"),
                "tunnel.key = " + certificates.resolve("node.key"), "tunnel.peers = ghost=127.0.0.1:" + freePort(), ""));
        await("the tunnel's peer in the REST API", Duration.ofSeconds(30),
                () -> get("/api/v1/mesh/peers").path("peers").path(0).path("node").asText().equals("ghost"));
        WebElement row = new WebDriverWait(browser, Duration.ofSeconds(25), Duration.ofMillis(250))
                .until(d -> d.findElement(By.cssSelector("#peers tr[data-peer='ghost']")));
        JsonNode peer = get("/api/v1/mesh/peers").path("peers").path(0);
        assertEquals(false, peer.path("connected").asBoolean());
        List<String> cells = row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
        String state = peer.path("error").asText("").isEmpty() ? "connecting" : "down";
        assertEquals(List.of("ghost", peer.path("path").asText(), "–", "0", "0 B / 0 B", state), cells);
        System.out.println("dashboard: mesh peers panel row " + cells + " (REST: " + peer + ")");
        assertNoConsoleErrors();
    }

    /**
     * What a chart drew: its points with a value in the first series (from its uPlot instance), and how many
     * pixels of its canvas have that series' colour.
     */
    private static long[] drawn(WebElement chartBox) {
        Object result = ((JavascriptExecutor) browser).executeScript(DRAWN, chartBox);
        if (!(result instanceof List<?> figures)) {
            return new long[] {0, 0};
        }
        return new long[] {((Number) figures.get(0)).longValue(), ((Number) figures.get(1)).longValue()};
    }

    private static final String DRAWN = String.join("\n",
            "const plot = arguments[0].chart;",
            "if (!plot) return null;",
            "const points = plot.data[1].filter((v) => v !== null && v !== undefined).length;",
            "const color = plot.series[1]._stroke || plot.series[1].stroke;",
            "const hex = typeof color === 'string' && color.startsWith('#') ? color : '#1d4ed8';",
            "const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));",
            "const canvas = plot.ctx.canvas;",
            "const pixels = plot.ctx.getImageData(0, 0, canvas.width, canvas.height).data;",
            "let hits = 0;",
            "for (let i = 0; i < pixels.length; i += 4) {",
            "  if (pixels[i + 3] > 128 && Math.abs(pixels[i] - want[0]) < 48 && Math.abs(pixels[i + 1] - want[1]) < 48",
            "      && Math.abs(pixels[i + 2] - want[2]) < 48) hits++;",
            "}",
            "return [points, hits];");

    /** Whether the desired (step line) series of the chart in the box ends at the value. */
    private static final String LAST_DESIRED_IS = String.join("\n",
            "const box = arguments[0].querySelector('.history');",
            "const plot = box && box.chart;",
            "if (!plot) return false;",
            "const desired = plot.data[2];",
            "return desired.length > 0 && desired[desired.length - 1] === arguments[1];");

    /**
     * The browser's console has no errors: no script error, no failed request but those the page expects and
     * handles (the cloud link's 404 on a standalone node, optional parts that are not installed, the 409 of a
     * stale write).
     */
    private static void assertNoConsoleErrors() {
        List<String> errors = new ArrayList<>();
        for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
            String message = entry.getMessage();
            boolean expected = message.contains("Failed to load resource") && (message.contains("status of 409")
                    || message.contains("/api/v1/cloud ") || message.contains("/api/v1/mesh/services ")
                    || message.contains("/api/v1/pods/"));
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue() && !expected) {
                errors.add(message);
            }
        }
        assertEquals("console errors", List.of(), errors);
    }

    /** The words of table cells (but the .id ones) that the layout split across two lines, space-separated. */
    private static final String SPLIT_WORDS = String.join("\n",
            "const split = [];",
            "for (const cell of document.querySelectorAll('th, td:not(.id)')) {",
            "  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);",
            "  for (let node = walker.nextNode(); node; node = walker.nextNode()) {",
            "    for (const match of node.data.matchAll(/\\S+/g)) {",
            "      const range = document.createRange();",
            "      range.setStart(node, match.index);",
            "      range.setEnd(node, match.index + match[0].length);",
            "      const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));",
            "      if (lines.size > 1) split.push(match[0]);",
            "    }",
            "  }",
            "}",
            "return split.join(' ');");

    private static String text(WebDriver driver, String css) {
        return driver.findElements(By.cssSelector(css)).stream().findFirst().map(WebElement::getText).orElse("");
    }

    private static String twinValue(String device, String property, String side) {
        return get("/api/v1/namespaces/default/devices/" + device + "/twin").path("twins").path(property)
                .path(side).path("value").asText(null);
    }

    private static JsonNode get(String path) {
        try {
            HttpResponse<String> response = HTTP.send(authorized(path).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.missingNode();
        } catch (IOException e) {
            return JSON.missingNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return JSON.missingNode();
        }
    }

    private static int status(String path) {
        try {
            return HTTP.send(authorized(path).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void httpPut(String path, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(authorized(path).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(response.body(), 200, response.statusCode());
    }

    /** The node's token, as its user reads it from the file the node made. */
    private static String bearer() throws IOException {
        return "Bearer " + Files.readString(node.resolve("data/karedge/api-token")).trim();
    }

    private static HttpRequest.Builder authorized(String path) throws IOException {
        return HttpRequest.newBuilder(uri(path)).header("Authorization", bearer());
    }

    /** A one-time login link ({@code /ui/login?code=...}) from the node, asked for with the token. */
    private static String loginLink() throws Exception {
        HttpResponse<String> response = HTTP.send(authorized("/ui/login").timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(response.body(), 200, response.statusCode());
        return JSON.readTree(response.body()).path("link").asText();
    }

    private static int anonymousStatus(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what + (karaf != null && !karaf.isAlive()
                        ? " (node exited " + karaf.exitValue() + ", see " + node.resolve("console.out") + ")" : ""));
            }
            Thread.sleep(100);
        }
    }

    private static int freePort() {
        return KaredgeTestSupport.freePort();
    }

    private static void run(Path dir, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS));
        assertEquals(String.join(" ", command), 0, process.exitValue());
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
