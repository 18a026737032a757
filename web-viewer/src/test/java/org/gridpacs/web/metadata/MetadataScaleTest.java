package org.gridpacs.web.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;

import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dicom.testutil.SyntheticInstances;
import org.gridpacs.web.WebTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Series metadata of hundreds of instances: one array, in order; its time for 500 instances in the log. */
@ProcessTest
class MetadataScaleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static void fill(WebTestServer s, String study, String series, int count) throws Exception {
        for (int n = count; n >= 1; n--) { // stored last to first: the answer's order is the instance number's
            s.store(SyntheticInstances.ct("P" + count, study, series, n, n));
        }
    }

    @Test
    void aSeriesOf200InstancesIsOneArrayInInstanceNumberOrder() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            String study = "1.2.826.0.1.3680043.8.1055.2";
            String series = study + ".1";
            fill(s, study, series, 200);
            HttpResponse<byte[]> r = s.get("/dicom-web/studies/" + study + "/series/" + series + "/metadata",
                    "application/dicom+json");
            assertEquals(200, r.statusCode());
            JsonNode all = JSON.readTree(r.body());
            assertEquals(200, all.size());
            for (int n = 0; n < 200; n++) {
                assertEquals(n + 1, all.get(n).at("/00200013/Value/0").asInt());
            }
        }
    }

    @Test
    void timeOfTheMetadataOfA500InstanceSeries() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            String study = "1.2.826.0.1.3680043.8.1055.3";
            String series = study + ".1";
            fill(s, study, series, 500);
            URI uri = URI.create(s.root() + "/studies/" + study + "/series/" + series + "/metadata");
            for (String encoding : new String[] {"identity", "gzip"}) {
                HttpRequest request = HttpRequest.newBuilder(uri).header("Accept", "application/dicom+json")
                        .header("Accept-Encoding", encoding).build();
                long[] millis = new long[7];
                int bytes = 0;
                for (int k = -3; k < millis.length; k++) { // three to warm up
                    long t0 = System.nanoTime();
                    HttpResponse<byte[]> r = s.client().send(request, HttpResponse.BodyHandlers.ofByteArray());
                    assertEquals(200, r.statusCode());
                    bytes = r.body().length;
                    if (k >= 0) {
                        millis[k] = (System.nanoTime() - t0) / 1_000_000;
                    }
                }
                Arrays.sort(millis);
                System.out.printf("series metadata, 500 instances, %s: median %d ms (min %d, max %d), %d bytes%n",
                        encoding, millis[millis.length / 2], millis[0], millis[millis.length - 1], bytes);
            }
        }
    }
}
