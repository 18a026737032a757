package org.gridpacs.dose.jobs;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON of the dose job API: requests in, jobs out (field names in the HTTP contract, docs/dose-jobs.md). */
public final class JobJson {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> REQUEST_FIELDS = Set.of("study", "plan", "beams", "uncertainty", "histories", "seed");
    private static final Set<String> BEAM_FIELDS = Set.of("energy", "field", "jaws", "ssd", "isocenter", "gantry",
            "collimator", "mu");
    /** A UID as PS3.5 9.1 allows: digit components separated by dots, at most 64 characters. */
    private static final Pattern UID = Pattern.compile("(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))+");

    private JobJson() {
    }

    /** Whether {@code s} is a valid UID. */
    public static boolean isUid(String s) {
        return s != null && s.length() <= 64 && UID.matcher(s).matches();
    }

    /**
     * Parses a POST /dose/jobs body.
     *
     * @throws BadRequestException (400) naming the first problem found
     */
    public static JobRequest parseRequest(String body) throws BadRequestException {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadRequestException("the body is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadRequestException("the body must be a JSON object such as {\"study\": \"1.2.3\"}");
        }
        unknownFields(root, REQUEST_FIELDS, "request");
        String study = uid(root, "study", true);
        String plan = uid(root, "plan", false);
        List<BeamSpec> beams = new ArrayList<>();
        JsonNode b = root.get("beams");
        if (b != null && !b.isNull()) {
            if (!b.isArray() || b.isEmpty()) {
                throw new BadRequestException("beams must be a non-empty array of beams");
            }
            for (int i = 0; i < b.size(); i++) {
                beams.add(beam(b.get(i), i + 1));
            }
        }
        if (plan != null && !beams.isEmpty()) {
            throw new BadRequestException("give either plan or beams, not both");
        }
        Double unc = number(root, "uncertainty");
        if (unc != null && !(unc >= DoseJobsConfig.MIN_UNCERTAINTY && unc <= DoseJobsConfig.MAX_UNCERTAINTY)) {
            throw new BadRequestException("uncertainty must be between " + DoseJobsConfig.MIN_UNCERTAINTY + " and "
                    + (int) DoseJobsConfig.MAX_UNCERTAINTY + " percent, not " + unc);
        }
        Long histories = whole(root, "histories");
        if (histories != null && !(histories >= 1000 && histories <= 1_000_000_000_000L)) {
            throw new BadRequestException("histories must be between 1000 and 1e12, not " + histories);
        }
        Long seed = whole(root, "seed");
        if (seed != null && seed < 0) {
            throw new BadRequestException("seed must not be negative");
        }
        return new JobRequest(study, plan, beams, unc, histories, seed);
    }

    private static BeamSpec beam(JsonNode n, int number) throws BadRequestException {
        String where = "beam " + number;
        if (n == null || !n.isObject()) {
            throw new BadRequestException(where + " must be an object such as {\"energy\": \"6mv\", \"field\": \"10x10\","
                    + " \"ssd\": 100, \"mu\": 100}");
        }
        unknownFields(n, BEAM_FIELDS, where);
        try {
            JsonNode e = n.get("energy");
            if (e == null || !e.isTextual()) {
                throw new IllegalArgumentException("energy must be \"6mv\" or \"co60\"");
            }
            double[] jaws;
            if (n.has("field") && n.has("jaws")) {
                throw new IllegalArgumentException("give field or jaws, not both");
            } else if (n.has("field")) {
                if (!n.get("field").isTextual()) {
                    throw new IllegalArgumentException("field must be a string such as \"10x10\" (cm)");
                }
                jaws = BeamSpec.field(n.get("field").asText());
            } else if (n.has("jaws")) {
                jaws = numbers(n.get("jaws"), 4, "jaws must be [x1, x2, y1, y2] in cm");
            } else {
                throw new IllegalArgumentException("field (\"10x10\") or jaws ([x1, x2, y1, y2] cm) missing");
            }
            Double ssd = number(n, "ssd");
            List<Double> iso = null;
            if (n.has("isocenter") && !n.get("isocenter").isNull()) {
                double[] v = numbers(n.get("isocenter"), 3, "isocenter must be [x, y, z] in mm");
                iso = List.of(v[0], v[1], v[2]);
            }
            Double mu = number(n, "mu");
            if (mu == null) {
                throw new IllegalArgumentException("mu missing");
            }
            return new BeamSpec(BeamSpec.energy(e.asText()), jaws[0], jaws[1], jaws[2], jaws[3], ssd, iso,
                    orZero(number(n, "gantry")), orZero(number(n, "collimator")), mu);
        } catch (IllegalArgumentException | BadRequestException ex) {
            throw new BadRequestException(where + ": " + ex.getMessage());
        }
    }

    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }

    private static double[] numbers(JsonNode n, int count, String form) {
        if (n == null || !n.isArray() || n.size() != count) {
            throw new IllegalArgumentException(form);
        }
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            if (!n.get(i).isNumber()) {
                throw new IllegalArgumentException(form);
            }
            out[i] = n.get(i).asDouble();
        }
        return out;
    }

    private static void unknownFields(JsonNode n, Set<String> known, String where) throws BadRequestException {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new BadRequestException("unknown field '" + f + "' in the " + where + " (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String uid(JsonNode root, String field, boolean required) throws BadRequestException {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new BadRequestException(field + " missing: the Study Instance UID of the CT");
            }
            return null;
        }
        if (!n.isTextual() || !isUid(n.asText())) {
            throw new BadRequestException(field + " is not a DICOM UID (digits and dots, at most 64 characters): "
                    + n);
        }
        return n.asText();
    }

    private static Double number(JsonNode root, String field) throws BadRequestException {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber() || !Double.isFinite(n.asDouble())) {
            throw new BadRequestException(field + " must be a number, not " + n);
        }
        return n.asDouble();
    }

    private static Long whole(JsonNode root, String field) throws BadRequestException {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() && !(n.isNumber() && n.asDouble() == Math.rint(n.asDouble()))) {
            throw new BadRequestException(field + " must be a whole number, not " + n);
        }
        return n.asLong();
    }

    /** A job as the API shows it. */
    public static ObjectNode job(JobRecord j) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", j.id());
        o.put("state", j.state().name());
        o.put("detail", j.detail());
        o.put("origin", j.origin().name());
        o.put("study", j.request().study());
        o.put("plan", j.request().plan());
        if (!j.request().beams().isEmpty()) {
            o.set("beams", MAPPER.valueToTree(j.request().beams().stream().map(BeamSpec::toJson).toList()));
        }
        if (j.request().uncertainty() != null) {
            o.put("uncertainty", j.request().uncertainty());
        }
        if (j.request().histories() != null) {
            o.put("histories", j.request().histories());
        }
        o.put("seed", j.request().seed());
        o.put("created", j.created().toString());
        o.put("updated", j.updated().toString());
        o.put("owner", j.owner());
        o.put("attempts", j.attempts());
        o.put("progress", j.progress());
        o.put("historiesDone", j.historiesDone());
        o.put("historiesPlanned", j.historiesPlanned());
        putNullable(o, "uncertaintyReached", j.uncertaintyReached());
        putNullable(o, "etaSeconds", j.etaSeconds());
        if (j.doseUid() != null || j.errorDoseUid() != null || j.generatedPlanUid() != null) {
            ObjectNode r = o.putObject("result");
            r.put("rtDose", j.doseUid());
            r.put("errorDose", j.errorDoseUid());
            r.put("generatedPlan", j.generatedPlanUid());
        }
        o.put("error", j.error());
        return o;
    }

    /** A list of jobs: {"jobs": [...]}. */
    public static ObjectNode jobs(List<JobRecord> list) {
        ObjectNode o = MAPPER.createObjectNode();
        ArrayNode a = o.putArray("jobs");
        list.forEach(j -> a.add(job(j)));
        return o;
    }

    /** {"error": reason}. */
    public static ObjectNode error(String reason) {
        return MAPPER.createObjectNode().put("error", reason);
    }

    private static void putNullable(ObjectNode o, String field, Double v) {
        if (v == null) {
            o.putNull(field);
        } else {
            o.put(field, v);
        }
    }

    static String beamsToJson(List<BeamSpec> beams) {
        try {
            return MAPPER.writeValueAsString(beams.stream().map(BeamSpec::toJson).toList());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<BeamSpec> beamsFromJson(String json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            List<BeamSpec> out = new ArrayList<>();
            for (int i = 0; i < n.size(); i++) {
                out.add(beam(n.get(i), i + 1));
            }
            return out;
        } catch (JsonProcessingException | BadRequestException e) {
            throw new IllegalStateException("stored beam description does not read back: " + e.getMessage(), e);
        }
    }

    /** For the CLI: a request body. */
    public static String requestBody(Map<String, Object> fields) {
        try {
            return MAPPER.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
