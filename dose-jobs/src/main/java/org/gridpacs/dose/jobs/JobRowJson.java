package org.gridpacs.dose.jobs;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A job's whole row as nodes send it to each other (not the user API's shape, {@link JobJson#job}): every field,
 * times as UTC instants to the millisecond ({@code 2026-12-06T22:48:54.123Z}), so that the creation time, and with
 * it the job's DerivedIds, arrives exactly whatever the zones of the two nodes.
 */
public final class JobRowJson {
    private JobRowJson() {
    }

    public static ObjectNode row(JobRecord j) {
        ObjectNode o = JobJson.MAPPER.createObjectNode();
        o.put("id", j.id());
        o.put("state", j.state().name());
        o.put("detail", j.detail());
        o.put("origin", j.origin().name());
        JobRequest r = j.request();
        o.put("study", r.study());
        o.put("plan", r.plan());
        o.put("beams", r.beams().isEmpty() ? null : JobJson.beamsToJson(r.beams()));
        putNullable(o, "uncertainty", r.uncertainty());
        if (r.histories() == null) {
            o.putNull("histories");
        } else {
            o.put("histories", r.histories());
        }
        o.put("seed", r.seed());
        o.put("waitCtUntil", j.waitCtUntil() == null ? null : j.waitCtUntil().toString());
        o.put("created", j.created().toString());
        o.put("updated", j.updated().toString());
        o.put("owner", j.owner());
        o.put("historiesDone", j.historiesDone());
        o.put("historiesPlanned", j.historiesPlanned());
        putNullable(o, "uncertaintyReached", j.uncertaintyReached());
        putNullable(o, "etaSeconds", j.etaSeconds());
        o.put("doseUid", j.doseUid());
        o.put("errorDoseUid", j.errorDoseUid());
        o.put("generatedPlanUid", j.generatedPlanUid());
        o.put("error", j.error());
        o.put("attempts", j.attempts());
        o.put("ownerEpoch", j.ownerEpoch());
        return o;
    }

    public static ObjectNode rows(List<JobRecord> rows) {
        ObjectNode o = JobJson.MAPPER.createObjectNode();
        ArrayNode a = o.putArray("jobs");
        rows.forEach(j -> a.add(row(j)));
        return o;
    }

    /** @throws IOException naming the field that is missing or wrong */
    public static JobRecord parse(JsonNode o) throws IOException {
        try {
            String beams = text(o, "beams");
            JobRequest r = new JobRequest(required(o, "study"), text(o, "plan"),
                    beams == null ? List.of() : JobJson.beamsFromJson(beams), dbl(o, "uncertainty"),
                    o.hasNonNull("histories") ? o.get("histories").asLong() : null, o.get("seed").asLong());
            String wait = text(o, "waitCtUntil");
            return new JobRecord(required(o, "id"), JobState.valueOf(required(o, "state")), text(o, "detail"),
                    JobOrigin.valueOf(required(o, "origin")), r, wait == null ? null : Instant.parse(wait),
                    Instant.parse(required(o, "created")), Instant.parse(required(o, "updated")),
                    required(o, "owner"), o.path("historiesDone").asLong(), o.path("historiesPlanned").asLong(),
                    dbl(o, "uncertaintyReached"), dbl(o, "etaSeconds"), text(o, "doseUid"), text(o, "errorDoseUid"),
                    text(o, "generatedPlanUid"), text(o, "error"), o.path("attempts").asInt(),
                    o.path("ownerEpoch").asInt());
        } catch (RuntimeException e) {
            throw new IOException("not a dose job row: " + e.getMessage(), e);
        }
    }

    public static List<JobRecord> parseRows(JsonNode o) throws IOException {
        JsonNode a = o.get("jobs");
        if (a == null || !a.isArray()) {
            throw new IOException("not a list of dose job rows: no \"jobs\" array");
        }
        List<JobRecord> out = new ArrayList<>();
        for (JsonNode n : a) {
            out.add(parse(n));
        }
        return out;
    }

    private static String required(JsonNode o, String field) {
        String s = text(o, field);
        if (s == null) {
            throw new IllegalArgumentException(field + " missing");
        }
        return s;
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Double dbl(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n == null || n.isNull() ? null : n.asDouble();
    }

    private static void putNullable(ObjectNode o, String field, Double v) {
        if (v == null) {
            o.putNull(field);
        } else {
            o.put(field, v);
        }
    }
}
