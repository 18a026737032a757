package org.gridpacs.web.viewer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The DICOMweb requests OHIF 3.12.10 sent in the browser test (ohif-3.12.10-requests.jsonl, recorded by
 * viewer-test.mjs), with the names that stand for UIDs there ({study1}, {series2}, {instance41}, ...) replaced by the
 * UIDs of the studies stored for the replay.
 */
final class OhifRecording {
    static final String RESOURCE = "/org/gridpacs/web/ohif-3.12.10-requests.jsonl";
    private static final Pattern NAME = Pattern.compile("\\{([a-z]+[0-9]+)\\}");

    record Request(String method, String url, String accept) {
        @Override
        public String toString() {
            return method + " " + url + " (Accept: " + accept + ")";
        }
    }

    private OhifRecording() {
    }

    /** Every recorded request, in order; a name without a UID in {@code uids} is an error, not left in the URL. */
    static List<Request> load(Map<String, String> uids) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Request> requests = new ArrayList<>();
        try (InputStream in = OhifRecording.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " is not on the test class path");
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode r = json.readTree(line);
                if (r.has("comment")) {
                    continue;
                }
                requests.add(new Request(r.get("method").asText(), named(r.get("url").asText(), uids),
                        r.path("accept").asText(null)));
            }
        }
        return requests;
    }

    private static String named(String url, Map<String, String> uids) {
        Matcher m = NAME.matcher(url);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String uid = uids.get(m.group(1));
            if (uid == null) {
                throw new IllegalArgumentException("no UID for {" + m.group(1) + "} in " + url);
            }
            m.appendReplacement(out, uid);
        }
        return m.appendTail(out).toString();
    }
}
