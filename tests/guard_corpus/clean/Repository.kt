package com.acme.notes

import java.time.Instant
import java.util.UUID
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext

data class Note(
    val id: UUID = UUID.randomUUID(),
    val title: String,
    val body: String,
    val tags: Set<String> = emptySet(),
    val updatedAt: Instant = Instant.now(),
)

interface NoteDao {
    suspend fun upsert(note: Note)
    suspend fun byId(id: UUID): Note?
    suspend fun search(query: String, limit: Int = 20): List<Note>
}

class NoteRepository(private val dao: NoteDao) {
    suspend fun save(title: String, body: String, tags: Set<String> = emptySet()): Note =
        withContext(Dispatchers.IO) {
            require(title.length in 1..200) { "title must be 1..200 characters" }
            val note = Note(title = title.trim(), body = body, tags = tags.map { it.lowercase() }.toSet())
            dao.upsert(note)
            note
        }

    suspend fun find(id: String): Note? = runCatching { UUID.fromString(id) }.getOrNull()?.let { dao.byId(it) }

    companion object {
        const val SCHEMA_VERSION = 7
        val EPOCH: Instant = Instant.parse("2023-01-01T00:00:00Z")
    }
}
