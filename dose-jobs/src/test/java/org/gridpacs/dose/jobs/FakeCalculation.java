package org.gridpacs.dose.jobs;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dose.dicom.DerivedIds;
import org.gridpacs.dose.dicom.DoseInputException;
import org.gridpacs.dose.engine.Cancellation;
import org.gridpacs.dose.engine.ProgressListener;

/**
 * TEST SEAM, not the product path: stands for {@link MonteCarloCalculation} until the CT/plan readers and the RT Dose
 * writer land. Reads every CT slice it is given (as the real one does), then "simulates" in rounds that report
 * progress and stop when cancelled, and returns small RT Dose (and generated RT Plan) data sets whose UIDs and bytes
 * depend only on the job's id and creation time, as the real writer's do.
 */
final class FakeCalculation implements DoseCalculation {
    volatile int rounds = 3;
    volatile long roundMillis = 20;
    /** When set, the first run waits on it in its first round (to stop a node mid-job). */
    volatile CountDownLatch hold;
    final CountDownLatch holding = new CountDownLatch(1);
    final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    final Map<String, Integer> slicesRead = new ConcurrentHashMap<>();
    /** A message to fail with as a DoseInputException (a CT the real reader would refuse). */
    volatile String inputProblem;

    @Override
    public DoseOutput calculate(JobRecord job, JobInputs inputs, Detail detail, ProgressListener progress,
                                Cancellation cancel) throws DoseInputException, InterruptedException, java.io.IOException {
        runs.computeIfAbsent(job.id(), k -> new AtomicInteger()).incrementAndGet();
        List<DataSet> slices = new ArrayList<>();
        inputs.readCt(slices::add);
        slicesRead.put(job.id(), slices.size());
        if (inputProblem != null) {
            throw new DoseInputException(inputProblem);
        }
        DataSet first = slices.get(0);
        detail.set("simulating");
        for (int r = 1; r <= rounds; r++) {
            CountDownLatch h = hold;
            if (h != null && r == 1) {
                holding.countDown();
                while (!h.await(10, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    cancel.check();
                }
            }
            Thread.sleep(roundMillis);
            cancel.check();
            progress.progress(r * 1000L, rounds * 1000L, 0.1 / Math.sqrt(r));
        }
        DerivedIds ids = job.derivedIds();
        DataSet plan = null;
        String planUid = job.request().plan();
        if (!job.request().beams().isEmpty()) {
            plan = object(first, ids, UID.RTPlanStorage, "RTPLAN", ids.planSeriesUid(), ids.planSopInstanceUid());
            plan.setString(Tag.RTPlanLabel, VR.SH, "MC");
            planUid = ids.planSopInstanceUid();
        } else if (inputs.plan() != null) {
            planUid = inputs.plan().getString(Tag.SOPInstanceUID);
        }
        DataSet dose = object(first, ids, UID.RTDoseStorage, "RTDOSE", ids.doseSeriesUid(), ids.doseSopInstanceUid());
        dose.setString(Tag.DoseType, VR.CS, "PHYSICAL");
        dose.setString(Tag.ReferencedSOPInstanceUID, VR.UI, planUid);
        DataSet error = object(first, ids, UID.RTDoseStorage, "RTDOSE", ids.doseSeriesUid(), ids.errorSopInstanceUid());
        error.setString(Tag.DoseType, VR.CS, "ERROR");
        return new DoseOutput(plan, List.of(dose, error));
    }

    private static DataSet object(DataSet ct, DerivedIds ids, String sopClass, String modality, String series,
                                  String sop) {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPClassUID, VR.UI, sopClass);
        ds.setString(Tag.SOPInstanceUID, VR.UI, sop);
        ds.setString(Tag.PatientID, VR.LO, ct.getString(Tag.PatientID));
        ds.setString(Tag.PatientName, VR.PN, ct.getString(Tag.PatientName));
        ds.setString(Tag.StudyInstanceUID, VR.UI, ct.getString(Tag.StudyInstanceUID));
        ds.setString(Tag.SeriesInstanceUID, VR.UI, series);
        ds.setString(Tag.Modality, VR.CS, modality);
        ds.setString(Tag.FrameOfReferenceUID, VR.UI, ct.getString(Tag.FrameOfReferenceUID));
        ds.setString(Tag.ContentDate, VR.DA, ids.created().format(DateTimeFormatter.BASIC_ISO_DATE));
        ds.setString(Tag.ContentTime, VR.TM, ids.created().format(DateTimeFormatter.ofPattern("HHmmss.SSS")));
        return ds;
    }
}
