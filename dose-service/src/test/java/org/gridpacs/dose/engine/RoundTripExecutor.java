package org.gridpacs.dose.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A stand-in for a compute grid, and deliberately unlike the local pool: the job goes through Java serialization once
 * per simulated machine (each prepares its own copy), batches run one at a time on the calling thread in a shuffled
 * order, round-robin over the machines, each batch into its own tally that comes back as bytes, and the returned
 * bytes are merged in yet another order.
 */
final class RoundTripExecutor implements BatchExecutor {
    private final int machines;
    private final Random order;
    int batchesRun;

    RoundTripExecutor(int machines, long orderSeed) {
        this.machines = machines;
        this.order = new Random(orderSeed);
    }

    @Override
    public void run(DoseJob job, List<Batch> batches, Tally into, BatchListener listener, Cancellation cancel) {
        byte[] shipped = serialize(job);
        BatchRunner[] runners = new BatchRunner[machines];
        List<Batch> todo = new ArrayList<>(batches);
        Collections.shuffle(todo, order);
        List<byte[]> returned = new ArrayList<>();
        for (int k = 0; k < todo.size(); k++) {
            cancel.check();
            int m = k % machines;
            if (runners[m] == null) {
                runners[m] = new PreparedJob((DoseJob) deserialize(shipped)).newRunner();
            }
            Batch b = (Batch) deserialize(serialize(todo.get(k)));
            Tally t = new Tally(job.phantom().voxels());
            runners[m].run(b, t);
            returned.add(t.toBytes());
            batchesRun++;
            listener.batchDone(todo.get(k));
        }
        Collections.shuffle(returned, order);
        for (byte[] r : returned) {
            into.merge(Tally.fromBytes(r));
        }
    }

    @Override
    public void close() {
    }

    static byte[] serialize(Object o) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Object deserialize(byte[] data) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(data))) {
            return in.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
