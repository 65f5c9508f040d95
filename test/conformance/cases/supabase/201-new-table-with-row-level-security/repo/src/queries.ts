export const q0 = 'SELECT handle, bio FROM profiles WHERE id = $1';
