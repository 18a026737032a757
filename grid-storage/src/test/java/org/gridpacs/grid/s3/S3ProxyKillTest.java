package org.gridpacs.grid.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** s3proxy killed (kill -9) in the middle of a multipart upload: the create fails and leaves no object. */
@ProcessTest
class S3ProxyKillTest {

    @Test
    void aServerKilledMidUploadFailsTheCreateAndTheSweepClearsTheLeftoverUpload(@TempDir Path dir) throws Exception {
        try (GridFixture grid = new GridFixture(dir);
             S3StorageProvider provider = new S3StorageProvider(grid.settings(), grid.ring(null))) {
            Storage storage = grid.storage(provider, "kill");
            byte[] chunk = GridFixture.bytes(1024 * 1024, 3);
            IOException e = assertThrows(IOException.class, () -> storage.create(out -> {
                for (int mb = 0; mb < 40; mb++) {
                    if (mb == 12) {
                        grid.server.kill(); // two parts are in, the upload is open
                    }
                    out.write(chunk);
                }
            }));
            assertTrue(e.getMessage().contains("storage grid"), e.getMessage());
            grid.server.start();
            List<StoredObject> listed = new ArrayList<>();
            storage.list(listed::add);
            assertEquals(List.of(), listed, "no object after a failed create");
            assertTrue(storage.sweepIncomplete() >= 1, "the upload the kill left open is aborted");
            assertEquals(0, storage.sweepIncomplete());
            // the server works on
            StoredObject o = storage.create(GridFixture.writing(GridFixture.bytes(6 * 1024 * 1024, 4)));
            storage.list(listed::add);
            assertEquals(List.of(o.key()), listed.stream().map(StoredObject::key).toList());
        }
    }
}
