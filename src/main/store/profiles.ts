// Saved mapping profiles ("Save mapping"), by name; the same format as a --mapping-file.
import { ErrorCodes, KeyloadError } from '../../shared/errors.ts';
import { mappingProfileSchema, type MappingProfile } from '../../shared/mapping-profile.ts';
import type { AppDatabase } from './app-database.ts';

export class ProfileStore {
  private readonly db: AppDatabase;

  constructor(db: AppDatabase) {
    this.db = db;
  }

  /** By name. */
  list(): { name: string; profile: MappingProfile }[] {
    const rows = this.db.prepare<[], { name: string; profile: string }>('SELECT name, profile FROM profiles ORDER BY name COLLATE NOCASE, name').all();
    // Validated when saved.
    return rows.map((row) => ({ name: row.name, profile: JSON.parse(row.profile) as MappingProfile }));
  }

  /** Creates the profile, or replaces the one of the same name. */
  save(name: string, profile: MappingProfile): void {
    const parsed = mappingProfileSchema.safeParse(profile);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'profile'}: ${issue.message}`).join('; ');
      throw new KeyloadError(ErrorCodes.mapping, `Invalid mapping profile ${JSON.stringify(name)}: ${issues}`);
    }
    this.db
      .prepare('INSERT INTO profiles (name, profile, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET profile = excluded.profile, updated_at = excluded.updated_at')
      .run(name, JSON.stringify(parsed.data), new Date().toISOString());
  }
}
