package org.gridpacs.dose.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.gridpacs.http.NodeHttpServer;
import org.gridpacs.http.auth.UserAccounts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/** The dose job API over real HTTP (Jetty on a free port): status codes and JSON for good and bad requests. */
class DoseJobsHttpTest {
    static final String STUDY = "1.2.826.0.1.3680043.10.3.1";
    static final String FRAME = STUDY + ".9";
    static final String PLAN = STUDY + ".5.1";
    static final String PASSWORD = "dose-check-please";

    @TempDir
    Path dir;
    TestNode node;
    NodeHttpServer http;
    FakeCalculation calc = new FakeCalculation();
    final HttpClient client = HttpClient.newHttpClient();
    String base;

    @BeforeEach
    void start() throws Exception {
        node = new TestNode(dir, TestNode.quickConfig().withOnArrival(false), calc);
        for (int i = 0; i < 2; i++) {
            node.send(TestData.ct(STUDY, STUDY + ".2", FRAME, i));
        }
        node.send(TestData.plan(STUDY, PLAN, FRAME));
        Path accounts = dir.resolve("http-users.properties");
        UserAccounts.put(accounts, "physicist", PASSWORD.toCharArray());
        http = new NodeHttpServer("127.0.0.1", 0).users(UserAccounts.load(accounts))
                .route(DoseJobsHandler.ROUTE, node.dose.handler()).start();
        base = "http://127.0.0.1:" + http.port();
    }

    @AfterEach
    void stop() {
        http.close();
        node.close();
    }

    record Answer(int status, JsonNode json, HttpResponse<String> response) {
    }

    private Answer call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Basic "
                + java.util.Base64.getEncoder().encodeToString(("physicist:" + PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 405 || !r.body().isEmpty()) {
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.toString());
        }
        return new Answer(r.statusCode(), JobJson.MAPPER.readTree(r.body()), r);
    }

    private void assertRefused(int status, String errorPart, String method, String path, String body) throws Exception {
        Answer a = call(method, path, body);
        assertEquals(status, a.status(), a.json().toString());
        assertTrue(a.json().path("error").asText().contains(errorPart), a.json().toString());
    }

    @Test
    void withoutAnAccountNothingIsAnswered() throws Exception {
        for (String method : new String[] {"GET", "POST", "DELETE"}) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/dose/jobs"));
            b.method(method, HttpRequest.BodyPublishers.ofString(method.equals("POST") ? "{\"study\":\"" + STUDY + "\"}" : ""));
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, r.statusCode(), method);
        }
        assertEquals(0, node.dose.service().list(null).size(), "nothing was queued");
    }

    @Test
    void aReadOnlyAccountSeesJobsButCannotSubmitOrCancel() throws Exception {
        Path accounts = dir.resolve("http-users.properties");
        UserAccounts.put(accounts, "referrer", PASSWORD.toCharArray(), org.gridpacs.http.auth.AccountRole.READ);
        java.nio.file.Files.setLastModifiedTime(accounts, java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() + 5000));
        Thread.sleep(2100); // the server looks at its accounts file again every two seconds
        {
            String auth = "Basic " + java.util.Base64.getEncoder().encodeToString(("referrer:" + PASSWORD)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String url = base + "/dose/jobs";
            HttpResponse<String> list = client.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", auth)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, list.statusCode(), list.body());
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", auth)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"study\": \"" + STUDY + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, post.statusCode(), post.body());
            assertTrue(JobJson.MAPPER.readTree(post.body()).path("error").asText().contains("upload role"), post.body());
            HttpResponse<String> delete = client.send(HttpRequest.newBuilder(URI.create(url + "/x"))
                    .header("Authorization", auth).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, delete.statusCode(), delete.body());
        }
        assertEquals(0, node.dose.service().list(null).size(), "nothing was queued");
    }

    @Test
    void postThenGetFollowsTheJobToDone() throws Exception {
        Answer posted = call("POST", "/dose/jobs", "{\"study\": \"" + STUDY + "\", \"plan\": \"" + PLAN
                + "\", \"uncertainty\": 1.5, \"seed\": 42}");
        assertEquals(202, posted.status());
        String id = posted.json().get("id").asText();
        assertEquals("/dose/jobs/" + id, posted.response().headers().firstValue("Location").orElseThrow());
        // the job as it is when answered: a free worker may have started (or even finished) this small one already
        assertTrue(java.util.Set.of("QUEUED", "RUNNING", "DONE").contains(posted.json().get("state").asText()),
                posted.json().toString());
        assertEquals(42, posted.json().get("seed").asLong());
        assertEquals(1.5, posted.json().get("uncertainty").asDouble());

        node.awaitState(id, JobState.DONE);
        Answer got = call("GET", "/dose/jobs/" + id, null);
        assertEquals(200, got.status());
        JsonNode j = got.json();
        assertEquals("DONE", j.get("state").asText());
        assertEquals(1.0, j.get("progress").asDouble());
        assertEquals(3000, j.get("historiesDone").asLong());
        assertTrue(j.get("uncertaintyReached").isNumber());
        assertEquals(node.jobs().get(id).orElseThrow().doseUid(), j.at("/result/rtDose").asText());
        assertTrue(j.at("/result/errorDose").asText().startsWith("2.25."));
        assertTrue(j.get("error").isNull());

        Answer list = call("GET", "/dose/jobs", null);
        assertEquals(200, list.status());
        assertEquals(id, list.json().at("/jobs/0/id").asText());
        assertEquals(1, call("GET", "/dose/jobs?state=done", null).json().get("jobs").size());
        assertEquals(0, call("GET", "/dose/jobs?state=QUEUED", null).json().get("jobs").size());
        assertRefused(400, "state must be one of", "GET", "/dose/jobs?state=SLEEPING", null);
        assertRefused(409, "has ended (DONE)", "DELETE", "/dose/jobs/" + id, null);
    }

    @Test
    void deleteCancelsARunningJob() throws Exception {
        calc.hold = new CountDownLatch(1);
        Answer posted = call("POST", "/dose/jobs", "{\"study\": \"" + STUDY + "\", \"beams\": [{\"energy\": \"6mv\","
                + " \"field\": \"10x10\", \"ssd\": 100, \"gantry\": 0, \"collimator\": 0, \"mu\": 100}]}");
        assertEquals(202, posted.status(), posted.json().toString());
        assertEquals("6mv", posted.json().at("/beams/0/energy").asText());
        assertTrue(calc.holding.await(10, TimeUnit.SECONDS));
        String id = posted.json().get("id").asText();
        Answer deleted = call("DELETE", "/dose/jobs/" + id, null);
        assertEquals(200, deleted.status());
        assertEquals("CANCELLED", deleted.json().get("state").asText());
        assertRefused(409, "nothing to cancel", "DELETE", "/dose/jobs/" + id, null);
    }

    @Test
    void badRequestsAreRefusedWithAReason() throws Exception {
        assertRefused(400, "not JSON", "POST", "/dose/jobs", "{\"study\": ");
        assertRefused(400, "must be a JSON object", "POST", "/dose/jobs", "[1]");
        assertRefused(400, "unknown field 'patient'", "POST", "/dose/jobs",
                "{\"study\": \"" + STUDY + "\", \"patient\": \"x\"}");
        assertRefused(400, "study missing", "POST", "/dose/jobs", "{}");
        assertRefused(400, "not a DICOM UID", "POST", "/dose/jobs", "{\"study\": \"1.2.abc\"}");
        assertRefused(400, "not a DICOM UID", "POST", "/dose/jobs", "{\"study\": \"" + STUDY + "\", \"plan\": \"01.2\"}");
        assertRefused(400, "either plan or beams", "POST", "/dose/jobs", "{\"study\": \"" + STUDY + "\", \"plan\": \""
                + PLAN + "\", \"beams\": [{\"energy\": \"6mv\", \"field\": \"10x10\", \"ssd\": 100, \"mu\": 100}]}");
        assertRefused(400, "uncertainty must be between 0.1 and 50", "POST", "/dose/jobs",
                "{\"study\": \"" + STUDY + "\", \"uncertainty\": 0.01}");
        assertRefused(400, "uncertainty must be between", "POST", "/dose/jobs",
                "{\"study\": \"" + STUDY + "\", \"uncertainty\": 60}");
        assertRefused(400, "histories must be between", "POST", "/dose/jobs",
                "{\"study\": \"" + STUDY + "\", \"histories\": 10}");
        assertRefused(400, "beam 1: energy 18mv: only 6mv and co60 are modelled", "POST", "/dose/jobs",
                "{\"study\": \"" + STUDY + "\", \"beams\": [{\"energy\": \"18mv\", \"field\": \"10x10\", \"ssd\": 100,"
                        + " \"mu\": 100}]}");
        assertRefused(400, "beam 1: a beam needs either ssd", "POST", "/dose/jobs",
                "{\"study\": \"" + STUDY + "\", \"beams\": [{\"energy\": \"6mv\", \"field\": \"10x10\", \"mu\": 100}]}");
        assertRefused(400, "unknown field 'wedge' in the beam 1", "POST", "/dose/jobs",
                "{\"study\": \"" + STUDY + "\", \"beams\": [{\"energy\": \"6mv\", \"wedge\": 60}]}");
        assertRefused(422, "study 1.2.3 is not in the archive", "POST", "/dose/jobs", "{\"study\": \"1.2.3\"}");
        assertRefused(422, "RT Plan 1.2.3 is not in study", "POST", "/dose/jobs",
                "{\"study\": \"" + STUDY + "\", \"plan\": \"1.2.3\"}");
        assertRefused(404, "no dose job nope", "GET", "/dose/jobs/nope", null);
        assertRefused(404, "no dose job nope", "DELETE", "/dose/jobs/nope", null);
        assertRefused(404, "no such resource", "GET", "/dose/jobs/a/b", null);
        assertRefused(405, "allowed: GET, POST", "PUT", "/dose/jobs", "{}");
        assertRefused(405, "allowed: GET, DELETE", "POST", "/dose/jobs/x", "{}");
        assertEquals("GET, DELETE", call("PATCH", "/dose/jobs/x", "{}").response().headers().firstValue("Allow")
                .orElseThrow());
        assertEquals(0, node.jobs().list(null).size(), "a refused request made a job");
    }
}
