import type { User } from "@users/client";

/**
 * A user's thumbnail as a plain <img>: the API's thumbnail URLs need no token. Without an avatar,
 * the initial stands in at the same size.
 */
export function Avatar({ user, size }: { user: Pick<User, "name" | "username" | "avatar">; size: 64 | 128 | 256 }) {
  const shown = size === 256 ? 128 : size === 128 ? 96 : 48;
  if (!user.avatar) {
    return (
      <span className="avatar placeholder" style={{ width: shown, height: shown }} aria-hidden="true">
        {(user.name.trim()[0] ?? user.username[0] ?? "?").toUpperCase()}
      </span>
    );
  }
  return (
    <img
      className="avatar"
      src={user.avatar.thumbnails[String(size) as "64" | "128" | "256"]}
      width={shown}
      height={shown}
      alt=""
      loading="lazy"
      decoding="async"
    />
  );
}
