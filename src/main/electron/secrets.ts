// Electron's safeStorage as the connection store's SecretBox. On Linux without a keyring it falls
// back to "basic_text", a hard-coded key: that is no protection, so then Keyload stores nothing and
// asks for the password each time.
import type { SafeStorage } from 'electron';
import type { SecretBox } from '../store/connections.ts';

export function electronSecrets(safeStorage: SafeStorage): SecretBox {
  return {
    canEncrypt: () =>
      safeStorage.isEncryptionAvailable() && !(process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text'),
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (data) => safeStorage.decryptString(data),
  };
}
