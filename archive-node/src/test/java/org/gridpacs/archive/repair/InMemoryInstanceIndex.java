package org.gridpacs.archive.repair;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.IndexedInstance.Location;
import org.gridpacs.archive.index.InstanceHeader;
import org.gridpacs.archive.index.InstanceIndex;
import org.gridpacs.archive.storage.StoredObject;

/** A test double of the index: instances and their locations in maps, and what was asked of it. */
final class InMemoryInstanceIndex implements InstanceIndex {
    final Map<String, InstanceHeader> headers = new LinkedHashMap<>();
    final Map<String, List<Location>> locations = new LinkedHashMap<>();
    final List<String> sourceAETitles = new ArrayList<>();
    private boolean visiting;

    /** An instance indexed with one location, as an earlier store would have left it. */
    void add(String sopInstanceUID, String storageId, String key, String status) {
        locations.computeIfAbsent(sopInstanceUID, k -> new ArrayList<>())
                .add(new Location(storageId, key, 1, "crc32c:00000000", status));
    }

    Location location(String storageId, String key) {
        return locations.values().stream().flatMap(List::stream)
                .filter(l -> l.storageId().equals(storageId) && l.storageKey().equals(key)).findFirst().orElse(null);
    }

    @Override
    public Optional<IndexedInstance> find(String sopInstanceUID) {
        InstanceHeader h = headers.get(sopInstanceUID);
        List<Location> locs = locations.get(sopInstanceUID);
        if (locs == null) {
            return Optional.empty();
        }
        return Optional.of(new IndexedInstance(sopInstanceUID, h == null ? null : h.sopClassUID(),
                h == null ? null : h.studyInstanceUID(), h == null ? null : h.seriesInstanceUID(),
                h == null ? null : h.transferSyntaxUID(), List.copyOf(locs)));
    }

    @Override
    public boolean insert(InstanceHeader header, StoredObject object, String sourceAETitle) {
        if (locations.containsKey(header.sopInstanceUID())) {
            return false;
        }
        headers.put(header.sopInstanceUID(), header);
        locations.put(header.sopInstanceUID(), new ArrayList<>(List.of(
                new Location(object.storageId(), object.key(), object.size(), object.checksum(), "OK"))));
        sourceAETitles.add(sourceAETitle);
        return true;
    }

    @Override
    public List<Location> replace(InstanceHeader header, StoredObject object, String sourceAETitle) {
        throw new UnsupportedOperationException("not needed by repair");
    }

    @Override
    public boolean addLocation(String sopInstanceUID, StoredObject object) {
        throw new UnsupportedOperationException("not needed by repair");
    }

    @Override
    public void forEachLocation(Consumer<Location> visitor) {
        visiting = true;
        try {
            locations.values().forEach(list -> list.forEach(visitor));
        } finally {
            visiting = false;
        }
    }

    @Override
    public boolean isIndexed(String storageId, String storageKey) {
        return location(storageId, storageKey) != null;
    }

    @Override
    public void markLocation(String storageId, String storageKey, String status) {
        if (visiting) {
            // a database index may not take updates to rows it is reading out: repair must not ask for it
            throw new IllegalStateException("markLocation during forEachLocation");
        }
        for (List<Location> list : locations.values()) {
            list.replaceAll(l -> l.storageId().equals(storageId) && l.storageKey().equals(storageKey)
                    ? new Location(l.storageId(), l.storageKey(), l.size(), l.checksum(), status) : l);
        }
    }

    /** Not on the interface here yet; the index branch adds it. Without @Override, this compiles either way. */
    public void removeLocation(String storageId, String storageKey) {
        locations.values().forEach(list -> list.removeIf(
                l -> l.storageId().equals(storageId) && l.storageKey().equals(storageKey)));
    }
}
