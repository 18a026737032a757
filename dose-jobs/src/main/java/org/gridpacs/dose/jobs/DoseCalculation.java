package org.gridpacs.dose.jobs;

import java.io.IOException;

import org.gridpacs.dose.dicom.DoseInputException;
import org.gridpacs.dose.engine.Cancellation;
import org.gridpacs.dose.engine.ProgressListener;

/**
 * From a job's inputs to the objects to store: the product's is {@link MonteCarloCalculation} (CT and plan readers,
 * the engine, the RT Dose writer). Tests of the job machinery may put a quick one in its place (a test seam, not
 * a second product path).
 */
public interface DoseCalculation {

    /**
     * @param detail   tells the job's row what is happening ("reading CT 45/90", "simulating")
     * @param progress told after each round of the simulation
     * @param cancel   set when the job is cancelled: stop between rounds
     * @throws DoseInputException                        when the CT or plan cannot be calculated on (the message
     *                                                   names the problem and becomes the job's error)
     * @throws java.util.concurrent.CancellationException when cancelled
     */
    DoseOutput calculate(JobRecord job, JobInputs inputs, Detail detail, ProgressListener progress,
                         Cancellation cancel) throws DoseInputException, IOException, InterruptedException;

    /** Where a calculation reports what it is doing. */
    @FunctionalInterface
    interface Detail {
        void set(String text);
    }
}
