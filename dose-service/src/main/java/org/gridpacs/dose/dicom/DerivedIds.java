package org.gridpacs.dose.dicom;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.UUID;

/**
 * The identifiers and time of the objects one dose job writes, all derived from the job's id and creation time: a
 * rerun of the job (after a restart or a takeover) writes the same UIDs and the same bytes, so storing it twice is a
 * duplicate, never a second RT Dose.
 *
 * @param created Content Date/Time (and Instance Creation, RT Plan Date/Time) of what the job writes; the dose
 *                service passes the job's creation instant in UTC, so every node of a cluster, whatever its time
 *                zone, writes the same value
 */
public record DerivedIds(String jobId, LocalDateTime created) {

    /** RT Dose series (the dose and its uncertainty). */
    public String doseSeriesUid() {
        return uid("dose-series");
    }

    /** The RT Dose with Dose Type PHYSICAL. */
    public String doseSopInstanceUid() {
        return uid("dose");
    }

    /** The RT Dose with Dose Type ERROR (the statistical uncertainty). */
    public String errorSopInstanceUid() {
        return uid("dose-error");
    }

    /** The series of a generated RT Plan (a beam description without a plan). */
    public String planSeriesUid() {
        return uid("plan-series");
    }

    /** A generated RT Plan. */
    public String planSopInstanceUid() {
        return uid("plan");
    }

    /** A UID under 2.25 (PS3.5 B.2) from a name-based UUID of (job id, role): the same for every run of the job. */
    public String uid(String role) {
        UUID u = UUID.nameUUIDFromBytes((jobId + "/" + role).getBytes(StandardCharsets.UTF_8));
        BigInteger mask = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
        BigInteger hi = BigInteger.valueOf(u.getMostSignificantBits()).and(mask);
        BigInteger lo = BigInteger.valueOf(u.getLeastSignificantBits()).and(mask);
        return "2.25." + hi.shiftLeft(64).or(lo);
    }
}
