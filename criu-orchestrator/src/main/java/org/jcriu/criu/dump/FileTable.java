package org.jcriu.criu.dump;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jcriu.images.proto.FileEntry;
import org.jcriu.images.proto.FownEntry;

/**
 * files.img being built: one id counter for every open file description the
 * tree holds (fds) and every file its mappings use, as CRIU numbers them.
 */
final class FileTable {
    private int nextId = 1;
    final List<FileEntry> entries = new ArrayList<>();
    /** Files of mappings, by "dev:ino:flags": one entry for all areas of one file. */
    final Map<String, Integer> mapped = new HashMap<>();
    /** Open file descriptions already saved, by a key that identifies them (see FdDumper). */
    final Map<String, Integer> opened = new HashMap<>();

    int newId() {
        return nextId++;
    }

    void add(FileEntry e) {
        entries.add(e);
    }

    static final FownEntry NO_FOWN = FownEntry.newBuilder().setUid(0).setEuid(0).setSignum(0).setPidType(0).setPid(0).build();
}
