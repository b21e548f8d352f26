module Main (main) where

import qualified Data.Map.Strict as Map
import Data.List (foldl')
import Text.Printf (printf)

-- | Word frequencies of standard input, most frequent first.
main :: IO ()
main = do
  text <- getContents
  let counts = foldl' (\m w -> Map.insertWith (+) w (1 :: Int) m) Map.empty (words text)
      top = take 20 (sortOnDesc snd (Map.toList counts))
  mapM_ (\(w, n) -> printf "%6d %s\n" n w) top
  where
    sortOnDesc f = foldr insert []
      where
        insert x [] = [x]
        insert x (y : ys)
          | f x >= f y = x : y : ys
          | otherwise = y : insert x ys
