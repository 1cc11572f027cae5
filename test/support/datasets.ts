import path from 'node:path';

/** Folder of the reference data sets: SUNDESK_DATASETS_DIR, or `shared/datasets` beside the repository. */
export const datasetsFolder = process.env.SUNDESK_DATASETS_DIR ?? path.resolve(__dirname, '../../../shared/datasets');

/** The BPI Challenge 2013 incident log (read in place, never copied into the repository). */
export const bpic2013LogPath = path.join(datasetsFolder, 'bpic2013-incidents.csv.gz');
