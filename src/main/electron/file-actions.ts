// Reveal in folder and Save as… for the desktop app, through Electron's shell and save dialog.
import { app, BrowserWindow, dialog, shell, type SaveDialogOptions } from 'electron';
import { copyFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { FileActions } from '../app/file-actions.ts';

export const electronFileActions: FileActions = {
  reveal: (path) => shell.showItemInFolder(path),
  async saveCopy(path) {
    const extension = extname(path).slice(1);
    const options: SaveDialogOptions = {
      title: 'Save a copy',
      defaultPath: join(app.getPath('downloads'), basename(path)),
      ...(extension ? { filters: [{ name: extension.toUpperCase(), extensions: [extension] }] } : {}),
    };
    // Attached to the window the user works in, so the dialog is modal to it.
    const window = BrowserWindow.getFocusedWindow();
    const choice = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
    if (choice.canceled || !choice.filePath) return null;
    await copyFile(path, choice.filePath);
    return choice.filePath;
  },
};
